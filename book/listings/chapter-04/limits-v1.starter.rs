fn apply(&self, r: &Resources) -> Result<()> {
    // TODO(chapter 4): Write the limits: cgroup v1
    //   (the book: chapter 4, "Write the limits: cgroup v1")
    // Write the limits that were asked for in `r` (memory, CPU quota, processes, and
    // memory and swap together where the host accounts swap) to the container's cgroup,
    // each in its controller's hierarchy and in an order the kernel accepts: see "Write
    // the limits: cgroup v1". Until then the container's cgroup limits nothing.
    if let Some(shares) = r.cpu.shares {
        self.write("cpu", "cpu.shares", &shares.to_string())?;
    }
    if let Some(cpus) = &r.cpu.cpus {
        self.write("cpuset", "cpuset.cpus", cpus)?;
    }
    Ok(())
}
