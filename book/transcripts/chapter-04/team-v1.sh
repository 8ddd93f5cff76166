sudo mkdir /sys/fs/cgroup/memory/team
  echo 100M | sudo tee /sys/fs/cgroup/memory/team/memory.limit_in_bytes
  sudo ./target/debug/minidock-04 run --cgroup-parent /team ./target/rootfs/busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  sudo rmdir /sys/fs/cgroup/*/team
