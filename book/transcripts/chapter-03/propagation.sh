findmnt -o TARGET,PROPAGATION     # on a systemd machine: "shared" almost everywhere
grep shared: /proc/self/mountinfo | wc -l
