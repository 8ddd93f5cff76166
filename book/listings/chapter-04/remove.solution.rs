fn drop(&mut self) {
    // By now the container's processes are gone: its pid 1 has ended, and the kernel kills
    // the rest of its PID namespace with it. An empty cgroup is removed with rmdir(2).
    if let Err(err) = self.cgroup.remove() {
        sys::tell(&sys::chain(&err));
    }
}
