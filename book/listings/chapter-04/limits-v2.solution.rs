fn apply(&self, r: &Resources) -> Result<()> {
    if let Some(memory) = r.memory {
        self.write("memory.max", &memory.to_string())?;
    }
    if let Some(quota) = r.cpu_quota_us {
        self.write("cpu.max", &format!("{quota} {CPU_PERIOD_US}"))?;
    }
    if let Some(pids) = r.pids {
        self.write("pids.max", &pids.to_string())?;
    }
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
