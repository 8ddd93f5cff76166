mkdir -p deletions/etc deletions/var/cache
touch deletions/etc/.wh.group deletions/var/cache/.wh..wh..opq
sudo tar -C deletions -c . | sudo ./target/debug/minidock-05 --root ./target/wh-state import - deletions
sudo ls -la ./target/wh-state/image/layers/*/diff/etc ./target/wh-state/image/layers/*/diff/var/cache
sudo rm -r deletions ./target/wh-state
