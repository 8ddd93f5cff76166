/// The container's own pseudo-terminals at `pts`: a new instance of devpts.
fn mount_pts(pts: &Path) -> sys::Result<()> {
    sys::mkdir_all(pts)?;
    // A new instance (every devpts mount is one since Linux 4.7; `newinstance` says so on older
    // kernels too): its terminals are numbered from 0, and the host's are not among them. Its
    // `ptmx`, where /dev/ptmx points, creates them: mode 0666 lets everyone open it (the kernel
    // makes it 0000 otherwise), and `mode=0620` is the mode of each terminal it makes. A
    // terminal is a device file, so no MS_NODEV here either.
    sys::mount(
        Some(Path::new("devpts")),
        pts,
        Some("devpts"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("newinstance,ptmxmode=0666,mode=0620"),
    )
}
