/// Opens `path` as the container sees it (absolute or not, `/` its root), from `root`, a
/// descriptor of the container's root directory, with the open flags `flags` (`O_NOFOLLOW`:
/// a symbolic link at its end is opened itself, not followed).
pub fn resolve(root: &impl AsFd, path: &Path, flags: OFlag) -> nix::Result<OwnedFd> {
    // RESOLVE_IN_ROOT: `/`, `..` and every link on the way are resolved as if `root` were the
    // root of the process, which is what the container's own processes see. NO_MAGICLINKS: a
    // /proc/PID/... link of the container's /proc would lead anywhere.
    let how = OpenHow::new()
        .flags(flags | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    openat2(root, path, how)
}
