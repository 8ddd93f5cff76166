sudo unshare --uts sh -c 'hostname inner; exec sleep 100' &
sleep 1
sudo lsns -t uts                               # one line more: the namespace of "sleep 100"
PID=$(sudo lsns -t uts -n -o PID,COMMAND | awk '$2 == "sleep" && $3 == "100" { print $1 }')
sudo nsenter --target "$PID" --uts hostname    # prints: inner
sudo kill "$PID"
