/// Records a deletion the way overlayfs reads it in a lower layer: a character device 0/0
/// hides the name below it; the opaque attribute on a directory hides everything below it.
fn whiteout(parent: &OwnedFd, deleted: &OsStr) -> Result<(), String> {
    if deleted.as_bytes() == b".wh..opq" {
        // fsetxattr(2) needs a descriptor of the directory itself, not an O_PATH one.
        let dir = nix::fcntl::openat(
            parent,
            ".",
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| e.desc().to_string())?;
        let name = CString::new("trusted.overlay.opaque").expect("no NUL");
        // SAFETY: a valid descriptor, a NUL-terminated name, and a one-byte value.
        let ret = unsafe {
            libc::fsetxattr(
                dir.as_fd().as_raw_fd(),
                name.as_ptr(),
                b"y".as_ptr().cast(),
                1,
                0,
            )
        };
        return Errno::result(ret)
            .map(drop)
            .map_err(|e| format!("marking the directory opaque: {}", e.desc()));
    }
    if deleted.is_empty() || deleted.as_bytes().contains(&b'/') {
        return Err("a whiteout of nothing".into());
    }
    match unistd::unlinkat(parent, deleted, unistd::UnlinkatFlags::NoRemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => {}
        Err(e) => return Err(e.desc().to_string()),
    }
    stat::mknodat(
        parent,
        deleted,
        SFlag::S_IFCHR,
        Mode::empty(),
        stat::makedev(0, 0),
    )
    .map_err(|e| format!("making the whiteout: {}", e.desc()))
}
