/// Splits the words of a tmpfs's options into `mount(2)`'s flags and the tmpfs's own data, as
/// mount(8) does; a later word wins over an earlier one (`noexec,exec` is `exec`).
pub fn split_options(words: &[&str]) -> Result<(MsFlags, String)> {
    let mut flags = MsFlags::empty();
    let mut data = Vec::new();
    for &word in words {
        // Each flag word sets its bit, or clears it (the `no`-less word of a `no` flag, `rw`).
        let (bit, set) = match word {
            "ro" => (MsFlags::MS_RDONLY, true),
            "rw" => (MsFlags::MS_RDONLY, false),
            "nosuid" => (MsFlags::MS_NOSUID, true),
            "suid" => (MsFlags::MS_NOSUID, false),
            "nodev" => (MsFlags::MS_NODEV, true),
            "dev" => (MsFlags::MS_NODEV, false),
            "noexec" => (MsFlags::MS_NOEXEC, true),
            "exec" => (MsFlags::MS_NOEXEC, false),
            "sync" => (MsFlags::MS_SYNCHRONOUS, true),
            "async" => (MsFlags::MS_SYNCHRONOUS, false),
            "dirsync" => (MsFlags::MS_DIRSYNC, true),
            "noatime" => (MsFlags::MS_NOATIME, true),
            "atime" => (MsFlags::MS_NOATIME, false),
            "nodiratime" => (MsFlags::MS_NODIRATIME, true),
            "diratime" => (MsFlags::MS_NODIRATIME, false),
            "relatime" => (MsFlags::MS_RELATIME, true),
            "norelatime" => (MsFlags::MS_RELATIME, false),
            "strictatime" => (MsFlags::MS_STRICTATIME, true),
            "nostrictatime" => (MsFlags::MS_STRICTATIME, false),
            // Anything else is the filesystem's business, if it is one of its options: the
            // kernel would refuse an unknown one only once the container is half made.
            _ => {
                let key = word.split_once('=').map_or(word, |(key, _)| key);
                if !word.contains('=') || !TMPFS_KEYS.contains(&key) {
                    return Err(Error::TmpfsOption(quoted(word)));
                }
                data.push(word);
                continue;
            }
        };
        flags.set(bit, set);
    }
    Ok((flags, data.join(",")))
}
