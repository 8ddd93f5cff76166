fn apply(&self, r: &Resources) -> Result<()> {
    // TODO(chapter 4): Write the limits: cgroup v1
    //   (the book: chapter 4, "Write the limits: cgroup v1")
    // Write the memory limit (`r.memory.limit`, bytes), the CPU quota (`r.cpu.quota`
    // microseconds in every `r.cpu.period`, two files) and the process limit
    // (`r.pids.limit`) to their files in their hierarchies, each only if it was asked
    // for. The other limits below show how. Then memory and swap together
    // (`r.memory.swap`) in memory.memsw.limit_in_bytes, where the host has that file:
    // after the memory limit, which it may not be below.
    if let Some(shares) = r.cpu.shares {
        self.write("cpu", "cpu.shares", &shares.to_string())?;
    }
    if let Some(cpus) = &r.cpu.cpus {
        self.write("cpuset", "cpuset.cpus", cpus)?;
    }
    Ok(())
}
