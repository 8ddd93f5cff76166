sudo unshare --mount sh -e <<'EOF'
  mount --bind target/rootfs/busybox target/rootfs/busybox
  cd target/rootfs/busybox
  pivot_root . .                       # the old root goes on top of the new one, at /
  ls /                                 # the image: a path from / starts below the stack
  ls /..                               # the host's whole tree: .. goes up onto the old root
  umount -l .                          # the topmost mount at . goes: the old root
  cd /
  ls /..                               # the image again: there is nothing above it any more
  EOF
