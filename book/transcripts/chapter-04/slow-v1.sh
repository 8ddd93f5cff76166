sudo mkdir -p /sys/fs/cgroup/cpu/slow /sys/fs/cgroup/cpuacct/slow
  echo 20000 | sudo tee /sys/fs/cgroup/cpu/slow/cpu.cfs_quota_us
  sudo sh -c 'echo $$ > /sys/fs/cgroup/cpu/slow/cgroup.procs; echo $$ > /sys/fs/cgroup/cpuacct/slow/cgroup.procs
              exec timeout 5 sh -c "while :; do :; done"' || echo $?
  cat /sys/fs/cgroup/cpu/slow/cpu.stat /sys/fs/cgroup/cpuacct/slow/cpuacct.usage
  sudo rmdir /sys/fs/cgroup/cpu/slow
  [ ! -d /sys/fs/cgroup/cpuacct/slow ] || sudo rmdir /sys/fs/cgroup/cpuacct/slow
