sudo mkdir /sys/fs/cgroup/team
  echo 100M | sudo tee /sys/fs/cgroup/team/memory.max
  sudo ./target/debug/minidock-04 run --cgroup-parent /team ./target/rootfs/busybox cat /sys/fs/cgroup/memory.max
  sudo rmdir /sys/fs/cgroup/team
