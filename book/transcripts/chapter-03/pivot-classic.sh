sudo unshare --mount sh -e <<'EOF'   # every mount of the new namespace is private
  mount --bind target/rootfs/busybox target/rootfs/busybox
  cd target/rootfs/busybox
  mkdir -p .old-root
  pivot_root . .old-root               # the old root goes into the image's .old-root
  cd /
  ls /.old-root                        # the host's whole tree, still there
  umount -l /.old-root && rmdir /.old-root
  ls -a /                              # the image, and nothing above it
  EOF
