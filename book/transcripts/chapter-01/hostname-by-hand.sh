sudo ./target/debug/minidock-01 run --hostname box ./target/rootfs/busybox hostname
hostname
