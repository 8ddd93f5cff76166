fn apply(&self, r: &Resources) -> Result<()> {
    // TODO(chapter 4): Write the limits: cgroup v2
    //   (the book: chapter 4, "Write the limits: cgroup v2")
    // Write the memory limit (`r.memory.limit`, bytes), the CPU quota (`r.cpu.quota`
    // microseconds in every `r.cpu.period`) and the process limit (`r.pids.limit`) to their
    // files, each only if it was asked for. The other limits below show how.
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
