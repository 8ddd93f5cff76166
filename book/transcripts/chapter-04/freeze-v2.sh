sudo timeout 10 ./target/debug/minidock-04 run --init --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 1; done' &
  sleep 2
  echo 1 | sudo tee /sys/fs/cgroup/minidock-book/minidock-*/cgroup.freeze     # the counting stops
  sleep 3
  cat /sys/fs/cgroup/minidock-book/minidock-*/cgroup.events                    # frozen 1
  echo 0 | sudo tee /sys/fs/cgroup/minidock-book/minidock-*/cgroup.freeze     # it goes on
  wait                                                       # until timeout stops it
  sudo rmdir /sys/fs/cgroup/minidock-book
