sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ps
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox mount
