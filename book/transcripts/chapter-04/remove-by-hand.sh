sudo ./target/debug/minidock-04 run -m 64m --cgroup-parent /minidock-book ./target/rootfs/busybox true
ls /sys/fs/cgroup/minidock-book/ 2>/dev/null | grep minidock- || echo nothing      # v2
ls /sys/fs/cgroup/memory/minidock-book/ 2>/dev/null | grep minidock- || echo nothing   # v1
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
