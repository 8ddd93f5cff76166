sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls /..     # the image's /, nothing above
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls /proc   # empty
