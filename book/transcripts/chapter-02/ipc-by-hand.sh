ID=$(ipcmk -Q | sed 's/.*: //')                # Message queue id: ID
sudo ./target/debug/minidock-02 run ./target/rootfs/busybox sleep 60 &
sleep 1
sudo lsns -t ipc                               # one line more: the namespace of "sleep 60"
PID=$(sudo lsns -t ipc -n -o PID,COMMAND | awk '$2 == "sleep" && $3 == "60" { print $1 }')
sudo nsenter --target "$PID" --ipc ipcs -q     # no queue
sudo kill -KILL "$PID"
ipcrm -q "$ID"
