fn apply(&self, r: &Resources) -> Result<()> {
    // TODO(chapter 4): Write the limits: cgroup v2
    //   (the book: chapter 4, "Write the limits: cgroup v2")
    // Write the memory limit (`r.memory`, bytes), the CPU quota (`r.cpu_quota_us` per
    // `CPU_PERIOD_US`) and the process limit (`r.pids`) to their files, each only if it
    // was asked for. The other limits below show how.
    // v2 counts swap on its own; docker's --memory-swap is memory and swap together. The
    // file exists only where the kernel accounts swap; without it, as without swap, the
    // memory limit alone is the limit.
    if self.dir.join("memory.swap.max").exists() {
        match (r.memory, r.memory_swap) {
            (Some(memory), Some(Some(total))) => {
                self.write("memory.swap.max", &(total - memory).to_string())?
            }
            (_, Some(None)) => self.write("memory.swap.max", "max")?,
            _ => {}
        }
    }
    if let Some(shares) = r.cpu_shares {
        self.write("cpu.weight", &shares_to_weight(shares).to_string())?;
    }
    if let Some(cpus) = &r.cpuset_cpus {
        self.write("cpuset.cpus", cpus)?;
    }
    Ok(())
}
