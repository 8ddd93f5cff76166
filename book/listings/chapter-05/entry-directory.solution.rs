/// Opens the directory that holds `path` inside the layer, and returns it with the last name of
/// `path`. Missing directories on the way are made; a symbolic link on the way is refused.
fn open_parent(root: &OwnedFd, path: &Path) -> Result<(OwnedFd, OsString), String> {
    let name = path.file_name().expect("a cleaned path ends in a name");
    let mut dir = unistd::dup(root).map_err(|e| e.desc().to_string())?;
    for part in path.parent().into_iter().flat_map(Path::components) {
        let part = part.as_os_str();
        // RESOLVE_IN_ROOT keeps even a resolution gone wrong inside the layer; NO_SYMLINKS
        // refuses a link on the way rather than follow it, wherever it points.
        let how = OpenHow::new()
            .flags(OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)
            .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_SYMLINKS);
        dir = match openat2(&dir, part, how) {
            Ok(next) => next,
            Err(Errno::ENOENT) => {
                stat::mkdirat(&dir, part, Mode::from_bits_truncate(0o755))
                    .map_err(|e| e.desc().to_string())?;
                openat2(&dir, part, how).map_err(|e| e.desc().to_string())?
            }
            Err(Errno::ELOOP) | Err(Errno::ENOTDIR) => {
                return Err(format!(
                "its directory {:?} is not a directory of the layer (a symbolic link, or a file)",
                part
            ))
            }
            Err(errno) => return Err(errno.desc().to_string()),
        };
    }
    Ok((dir, name.to_os_string()))
}
