stat -fc %T /sys/fs/cgroup        # cgroup2fs: v2; tmpfs: v1 or hybrid
ls /sys/fs/cgroup                 # v2: the root's files; v1: one directory per hierarchy
findmnt -t cgroup,cgroup2         # the cgroup filesystems, with their options
cat /proc/self/cgroup             # where cat is: the place it was born in, its shell's
systemd-cgls --no-pager | head -30
