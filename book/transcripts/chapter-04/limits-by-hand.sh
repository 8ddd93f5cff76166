sudo ./target/debug/minidock-04 run -m 16m --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'x=a; while :; do x=$x$x; done' || echo $?
sudo ./target/debug/minidock-04 --explain run --pids-limit 50 --cpus 0.5 --cgroup-parent /minidock-book ./target/rootfs/busybox true 2>&1 | grep echo
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
