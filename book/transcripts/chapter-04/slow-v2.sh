sudo mkdir /sys/fs/cgroup/slow
  echo '20000 100000' | sudo tee /sys/fs/cgroup/slow/cpu.max
  sudo sh -c 'echo $$ > /sys/fs/cgroup/slow/cgroup.procs; exec timeout 5 sh -c "while :; do :; done"' || echo $?
  cat /sys/fs/cgroup/slow/cpu.stat
  sudo rmdir /sys/fs/cgroup/slow
