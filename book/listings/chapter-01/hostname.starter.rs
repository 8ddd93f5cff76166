/// Gives the container its host name.
///
/// Runs in the container's first process, inside its new UTS namespace: `sethostname(2)` changes
/// the name of the namespace the caller is in, so the host keeps its own.
#[allow(dead_code)] // until your code uses it, in chapter 1
pub fn set_hostname(hostname: &str) -> sys::Result<()> {
    // TODO(chapter 1): Set the host name
    //   (the book: chapter 1, "Set the host name")
    // Give the container the host name `hostname`, and the host keeps its own. Do "A new UTS
    // namespace" first: without it, this renames the machine you run minidock on.
    let _ = hostname;
    Ok(())
}
