sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true
