/// A new, empty network namespace (only `lo`, down), which minidock holds without entering
/// it: minidock is back in `own` when this returns.
pub fn create(own: &NetNamespace) -> sys::Result<NetNamespace> {
    // TODO(chapter 8): A namespace made ahead
    //   (the book: chapter 8, "A namespace made ahead")
    // Make a new network namespace and return it, held by a descriptor, with minidock
    // back in `own`: see "A namespace made ahead". Until then the container keeps the
    // host's network (this returns the namespace minidock is in).
    let _ = own;
    NetNamespace::open(Path::new(OWN))
}
