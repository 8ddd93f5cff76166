sudo mkdir /sys/fs/cgroup/hog
  echo 32M | sudo tee /sys/fs/cgroup/hog/memory.max
  [ -e /sys/fs/cgroup/hog/memory.swap.max ] &&        # if the file exists
    echo 0 | sudo tee /sys/fs/cgroup/hog/memory.swap.max
  sudo sh -c 'echo $$ > /sys/fs/cgroup/hog/cgroup.procs; x=a; while :; do x=$x$x; done' || echo $?
  cat /sys/fs/cgroup/hog/memory.events
  sudo rmdir /sys/fs/cgroup/hog
