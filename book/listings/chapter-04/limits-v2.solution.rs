fn apply(&self, r: &Resources) -> Result<()> {
    if let Some(memory) = r.memory.limit {
        self.write("memory.max", &memory.to_string())?;
    }
    if let (Some(quota), Some(period)) = (r.cpu.quota, r.cpu.period) {
        self.write("cpu.max", &format!("{quota} {period}"))?;
    }
    if let Some(pids) = r.pids.limit {
        self.write("pids.max", &pids.to_string())?;
    }
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
