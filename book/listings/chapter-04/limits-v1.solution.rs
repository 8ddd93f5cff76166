fn apply(&self, r: &Resources) -> Result<()> {
    if let Some(memory) = r.memory.limit {
        self.write("memory", "memory.limit_in_bytes", &memory.to_string())?;
    }
    if let (Some(quota), Some(period)) = (r.cpu.quota, r.cpu.period) {
        self.write("cpu", "cpu.cfs_period_us", &period.to_string())?;
        self.write("cpu", "cpu.cfs_quota_us", &quota.to_string())?;
    }
    if let Some(pids) = r.pids.limit {
        self.write("pids", "pids.max", &pids.to_string())?;
    }
    // Memory and swap together, after the memory limit: the kernel refuses a memsw limit
    // below the memory limit. memory.memsw.* exist only where the kernel accounts swap;
    // without them, as without swap, the memory limit alone is the limit.
    let memsw = self
        .dir("memory")
        .map(|d| d.join("memory.memsw.limit_in_bytes"))
        .filter(|path| path.exists());
    if let (Some(path), Some(swap)) = (memsw, r.memory.swap) {
        let value = match swap {
            Swap::Limit(total) => total.to_string(),
            Swap::Unlimited => "-1".to_string(),
        };
        sys::write_file(&path, &value)?;
    }
    if let Some(shares) = r.cpu.shares {
        self.write("cpu", "cpu.shares", &shares.to_string())?;
    }
    if let Some(cpus) = &r.cpu.cpus {
        self.write("cpuset", "cpuset.cpus", cpus)?;
    }
    Ok(())
}
