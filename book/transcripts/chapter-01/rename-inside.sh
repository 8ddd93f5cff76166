sudo unshare --uts sh -c '
  ./target/debug/minidock-01 run ./target/rootfs/busybox sh -c "hostname inner; hostname"
  hostname      # the outer name: not "inner"
'
