sudo unshare --uts sh -c 'hostname inner; echo $$ > inner.pid; exec sleep 100' &
sleep 1
PID=$(cat inner.pid)                           # the shell's pid, which is now "sleep 100"'s
sudo lsns -t uts                               # one line more: that pid, in a namespace of its own
sudo nsenter --target "$PID" --uts hostname    # prints: inner
sudo kill "$PID"; sudo rm inner.pid
