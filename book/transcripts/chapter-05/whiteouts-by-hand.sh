mkdir -p /tmp/ovl/lower/etc/skel /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
  touch /tmp/ovl/lower/etc/hosts /tmp/ovl/lower/etc/skel/.profile
  sudo unshare --mount sh -e <<'EOF'
    cd /tmp/ovl
    mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged
    rm merged/etc/hosts
    ls -l upper/etc                      # c--------- ... 0, 0 hosts: a whiteout
    ls merged/etc lower/etc              # gone above, still there below
    rm -r merged/etc/skel && mkdir merged/etc/skel
    ls -a merged/etc/skel lower/etc/skel # empty above: upper/etc/skel is opaque
  EOF
  sudo rm -r /tmp/ovl
