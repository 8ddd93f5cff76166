sudo unshare --mount sh -c 'ls -l /proc/$$/ns/mnt'   # the new namespace's number
ls -l /proc/$$/ns/mnt                                # your shell's: another number
sudo lsns -t mnt                                     # services with mount namespaces of their own
