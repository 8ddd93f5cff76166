/// Makes `root`'s directory the root directory of the container: the directory the command and
/// everything it starts see as `/`.
///
/// Runs in the container's first process, before it executes the command.
pub fn enter(root: &Root) -> sys::Result<()> {
    let rootfs = root.path.as_path();
    // chroot(2) changes what `/` means for this process, but not its working directory, which
    // still points into the host's tree: step into the new root as well.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
