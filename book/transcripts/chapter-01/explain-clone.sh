sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true 2>&1 | grep -E 'fork|clone'
