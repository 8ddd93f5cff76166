fn apply(&self, r: &Resources) -> Result<()> {
    // TODO(chapter 4): Write the limits: cgroup v2
    //   (the book: chapter 4, "Write the limits: cgroup v2")
    // Write the limits that were asked for in `r` (memory, CPU quota, processes) to the
    // container's cgroup: see "Write the limits: cgroup v2". The limits below show the
    // way. Until then the container's cgroup limits nothing.
    // v2 counts swap on its own; docker's --memory-swap is memory and swap together. The
    // file exists only where the kernel accounts swap; without it, as without swap, the
    // memory limit alone is the limit.
    if self.dir.join("memory.swap.max").exists() {
        match (r.memory.limit, r.memory.swap) {
            (Some(memory), Some(Swap::Limit(total))) => {
                self.write("memory.swap.max", &(total - memory).to_string())?
            }
            (_, Some(Swap::Unlimited)) => self.write("memory.swap.max", "max")?,
            _ => {}
        }
    }
    if let Some(shares) = r.cpu.shares {
        self.write("cpu.weight", &shares_to_weight(shares).to_string())?;
    }
    if let Some(cpus) = &r.cpu.cpus {
        self.write("cpuset.cpus", cpus)?;
    }
    Ok(())
}
