sudo unshare --pid --fork sleep 100 &
sleep 1
sudo lsns -t pid                  # one line more: the namespace of "sleep 100"
PID=$(sudo lsns -t pid -n -o PID,COMMAND | awk '$2 == "sleep" && $3 == "100" { print $1 }')
sudo kill -TERM "$PID"            # nothing happens
sleep 1; ps -o stat=,args= -p "$PID"   # still there
sudo kill -KILL "$PID"            # this one works
