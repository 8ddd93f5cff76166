sudo mkdir /sys/fs/cgroup/memory/hog
  echo 32M | sudo tee /sys/fs/cgroup/memory/hog/memory.limit_in_bytes
  [ -e /sys/fs/cgroup/memory/hog/memory.memsw.limit_in_bytes ] &&    # if the file exists
    echo 32M | sudo tee /sys/fs/cgroup/memory/hog/memory.memsw.limit_in_bytes
  sudo sh -c 'echo $$ > /sys/fs/cgroup/memory/hog/cgroup.procs; x=a; while :; do x=$x$x; done' || echo $?
  cat /sys/fs/cgroup/memory/hog/memory.max_usage_in_bytes /sys/fs/cgroup/memory/hog/memory.failcnt
  grep oom_kill /sys/fs/cgroup/memory/hog/memory.oom_control     # on kernels since 4.13
  sudo rmdir /sys/fs/cgroup/memory/hog
