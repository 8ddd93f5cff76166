sudo mkdir /sys/fs/cgroup/demo
cat /proc/self/cgroup                                        # 0::/user.slice/...
sudo unshare --cgroup cat /proc/self/cgroup                  # 0::/
sudo unshare --cgroup sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs; cat /proc/self/cgroup'
sudo sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs; exec unshare --cgroup cat /proc/self/cgroup'
sudo rmdir /sys/fs/cgroup/demo
