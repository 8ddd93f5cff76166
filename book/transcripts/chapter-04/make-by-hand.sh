sudo ./target/debug/minidock-04 --explain run --cgroup-parent /minidock-book ./target/rootfs/busybox true 2>&1 | grep -E 'mkdir|subtree'
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
