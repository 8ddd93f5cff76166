ID=$(ipcmk -Q | sed 's/.*: //')               # Message queue id: ID
ipcs -q                                       # listed, with its key
sudo unshare --ipc ipcs -q                    # a new IPC namespace: empty
sudo unshare --ipc sh -c 'ipcmk -Q; ipcs -q'  # one queue, gone with the namespace
ipcs -q                                       # only your first one
ipcrm -q "$ID"
