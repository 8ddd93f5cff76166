sudo mkdir /sys/fs/cgroup/cpuset/empty
  cat /sys/fs/cgroup/cpuset/empty/cpuset.cpus       # an empty line
  sudo sh -c 'echo $$ > /sys/fs/cgroup/cpuset/empty/cgroup.procs' || echo refused   # No space left on device
  cat /sys/fs/cgroup/cpuset/cpuset.cpus | sudo tee /sys/fs/cgroup/cpuset/empty/cpuset.cpus
  cat /sys/fs/cgroup/cpuset/cpuset.mems | sudo tee /sys/fs/cgroup/cpuset/empty/cpuset.mems
  sudo sh -c 'echo $$ > /sys/fs/cgroup/cpuset/empty/cgroup.procs; grep cpuset /proc/self/cgroup'
  sudo rmdir /sys/fs/cgroup/cpuset/empty
