sudo unshare --pid --fork --mount-proc sleep 100 &
sleep 1
sudo lsns -t pid                     # the new namespace, and the host pid of its first process
PID=$(sudo lsns -t pid -n -o PID,COMMAND | awk '$2 == "sleep" && $3 == "100" { print $1 }')
grep NSpid /proc/$PID/status         # that process's pids: on the host, then inside
ls -l /proc/$$/ns/pid /proc/$$/ns/pid_for_children
sudo kill -KILL "$PID"               # pid 1 of its namespace: see below why -KILL
