sudo ./target/debug/minidock-03 run ./target/rootfs/busybox sh -c 'exec 3<>/dev/ptmx; ls -l /dev/pts'
