findmnt                                  # the whole table, as a tree
findmnt -o TARGET,SOURCE,FSTYPE,OPTIONS /proc
head -3 /proc/self/mountinfo
