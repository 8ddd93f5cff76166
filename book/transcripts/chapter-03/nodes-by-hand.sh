sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls -l /dev
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox sh -c 'head -c 16 /dev/urandom | od -x'
