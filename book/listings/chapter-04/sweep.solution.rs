/// Removes the cgroups of the entries no running minidock holds, with `remove(dirs)` (true if
/// nothing of them is left), and their entries.
pub fn sweep(root: &Path, remove: impl Fn(&[PathBuf]) -> bool) {
    let Ok(entries) = fs::read_dir(root.join("cgroups")) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        // Held by a running minidock: not ours to touch. (An entry still being written is
        // locked before anything else happens to it, so an unlocked one is a leftover, or is
        // made again by its writer once we have removed it.)
        if lock(&file, Wait::No).is_err() {
            continue;
        }
        // Gone meanwhile: its minidock ended and removed it.
        if file.metadata().map_or(true, |m| m.nlink() == 0) {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        let dirs: Vec<PathBuf> = text.lines().map(PathBuf::from).collect();
        if remove(&dirs) {
            let _ = fs::remove_file(entry.path());
        }
    }
}
