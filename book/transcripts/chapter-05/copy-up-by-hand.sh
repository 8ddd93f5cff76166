mkdir -p /tmp/ovl/lower /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
  head -c 1000000 /dev/zero > /tmp/ovl/lower/big
  sudo unshare --mount sh -e <<'EOF'
    cd /tmp/ovl
    mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged
    stat -c '%i %s %n' lower/big merged/big   # one inode: merged shows the lower file
    echo >> merged/big                        # one byte appended...
    stat -c '%i %s %n' lower/big upper/big merged/big   # ...and the whole file copied up first
  EOF
  sudo rm -r /tmp/ovl
