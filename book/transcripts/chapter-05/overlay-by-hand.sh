mkdir -p /tmp/ovl/base/etc /tmp/ovl/top/etc /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
echo from base > /tmp/ovl/base/etc/motd
echo from top > /tmp/ovl/top/etc/motd
echo only in base > /tmp/ovl/base/etc/hostname
sudo unshare --mount sh -e <<'EOF'     # the mount lives and dies with this namespace
  cd /tmp/ovl
  mount -t overlay overlay -o lowerdir=top:base,upperdir=upper,workdir=work merged
  ls merged/etc                        # hostname motd: the union of both layers
  cat merged/etc/motd                  # from top: the leftmost lower layer wins
  echo a note > merged/etc/note        # a new file...
  ls upper/etc                         # ...lands in upper, and only there
  findmnt -o TARGET,SOURCE,FSTYPE merged
EOF
ls /tmp/ovl/merged                     # empty: the mount went with the namespace
sudo rm -r /tmp/ovl
