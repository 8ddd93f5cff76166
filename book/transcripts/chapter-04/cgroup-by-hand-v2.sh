cd /sys/fs/cgroup
cat cgroup.controllers cgroup.subtree_control   # available here, and handed down
home=$(sed -n 's/^0:://p' /proc/$$/cgroup)      # where this shell is now
mkdir demo; ls demo                             # the kernel filled it in
echo $$ > demo/cgroup.procs                     # the shell joins demo
cat /proc/$$/cgroup                             # 0::/demo
cat demo/cgroup.procs                           # the shell, and cat itself: born in demo
echo 4 > demo/pids.max
sh -c 'for i in 1 2 3 4 5; do sleep 2 & done; wait' || echo "sh gave up"   # only two sleeps start
cat demo/pids.current demo/pids.events          # what runs now; how often a fork was refused
echo $$ > "/sys/fs/cgroup$home/cgroup.procs"    # back where it was
sleep 2; rmdir demo                             # once the sleeps are over
exit

