/// Opens `path` as the container sees it (absolute or not, `/` its root), from `root`, a
/// descriptor of the container's root directory, with the open flags `flags` (`O_NOFOLLOW`:
/// a symbolic link at its end is opened itself, not followed).
pub fn resolve(root: &impl AsFd, path: &Path, flags: OFlag) -> nix::Result<OwnedFd> {
    // TODO(chapter 6): Resolve inside the container's root
    //   (the book: chapter 6, "Resolve inside the container's root")
    // Open `path` of the container from its root `root`, with `flags`, so that nothing the
    // container made (an absolute symbolic link, a `..`, a link on the way) leads out of its
    // root: a link means what it means inside the container, never on the host.
    let _ = (root, path, flags);
    Err(nix::errno::Errno::ENOSYS)
}
