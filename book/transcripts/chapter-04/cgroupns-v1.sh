sudo mkdir /sys/fs/cgroup/pids/demo
cat /proc/self/cgroup                                        # one line per hierarchy
sudo unshare --cgroup cat /proc/self/cgroup                  # every path is /
sudo unshare --cgroup sh -c 'echo $$ > /sys/fs/cgroup/pids/demo/cgroup.procs; grep pids /proc/self/cgroup'
sudo sh -c 'echo $$ > /sys/fs/cgroup/pids/demo/cgroup.procs; exec unshare --cgroup grep pids /proc/self/cgroup'
sudo rmdir /sys/fs/cgroup/pids/demo
