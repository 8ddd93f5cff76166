cd /sys/fs/cgroup/pids
home=$(sed -n 's/^[0-9]*:pids://p' /proc/$$/cgroup)
mkdir demo
echo $$ > demo/cgroup.procs
cat /proc/$$/cgroup                             # pids:/demo; every other line unchanged
echo 4 > demo/pids.max
sh -c 'for i in 1 2 3 4 5; do sleep 2 & done; wait' || echo "sh gave up"
cat demo/pids.current demo/pids.events
echo $$ > "/sys/fs/cgroup/pids$home/cgroup.procs"
sleep 2; rmdir demo
exit
