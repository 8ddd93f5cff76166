sudo ./target/debug/minidock-04 run --cgroup-parent /minidock-book ./target/rootfs/busybox cat /proc/self/cgroup
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
