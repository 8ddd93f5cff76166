/// A new, empty network namespace (only `lo`, down), which minidock holds without entering
/// it: minidock is back in `own` when this returns.
pub fn create(own: &NetNamespace) -> sys::Result<NetNamespace> {
    // unshare(2) can only move the caller into a new namespace: do so, take a descriptor of
    // it (which keeps it alive), and go back to the host's at once, before anything else
    // is made in the wrong place.
    sys::unshare(CloneFlags::CLONE_NEWNET)?;
    let made = NetNamespace::open(Path::new(OWN));
    sys::setns(own.as_fd(), &own.path, CloneFlags::CLONE_NEWNET)?;
    made.map(NetNamespace::named_by_fd)
}
