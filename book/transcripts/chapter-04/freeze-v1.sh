sudo timeout 10 ./target/debug/minidock-04 run --init --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 1; done' &
  sleep 2
  echo FROZEN | sudo tee /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state   # it stops
  sleep 3
  cat /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state                      # FROZEN
  echo THAWED | sudo tee /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state   # it goes on
  wait                                                                 # until timeout stops it
  sudo rmdir /sys/fs/cgroup/*/minidock-book
