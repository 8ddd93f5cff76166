/// Creates one device node in `dev`, with exactly the device's mode.
fn make_device(dev: &Path, device: &Device) -> sys::Result<()> {
    let path = dev.join(device.name);
    sys::mknod_char(&path, device.major, device.minor)?;
    // `sys::mknod_char` makes the node with no permission bits at all (mknod(2) would pass any
    // it were given through the umask, 022 usually): chmod(2) gives it exactly its mode.
    sys::chmod(&path, device.mode)
}
