sudo mkdir -p /sys/fs/cgroup/outer/inner
  cat /sys/fs/cgroup/outer/cgroup.controllers       # what the root hands down to outer
  ls /sys/fs/cgroup/outer/inner | grep memory.max || echo nothing   # outer hands nothing down yet
  echo +memory | sudo tee /sys/fs/cgroup/outer/cgroup.subtree_control
  ls /sys/fs/cgroup/outer/inner | grep memory.max   # there now, with the other memory files
  sudo sh -c 'echo $$ > /sys/fs/cgroup/outer/cgroup.procs' || echo refused   # Device or resource busy
  sudo rmdir /sys/fs/cgroup/outer/inner /sys/fs/cgroup/outer
