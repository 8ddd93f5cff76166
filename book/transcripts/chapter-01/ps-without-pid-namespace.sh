sudo unshare -m sh -c 'mount -t proc proc ./target/rootfs/busybox/proc && ./target/debug/minidock-01 run ./target/rootfs/busybox ps'
