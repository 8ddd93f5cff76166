sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls -l /dev
