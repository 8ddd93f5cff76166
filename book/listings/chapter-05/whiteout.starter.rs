/// Records a deletion the way overlayfs reads it in a lower layer: a character device 0/0
/// hides the name below it; the opaque attribute on a directory hides everything below it.
fn whiteout(parent: &OwnedFd, deleted: &OsStr) -> Result<(), String> {
    // TODO(chapter 5): Turn whiteouts into overlayfs's
    //   (the book: chapter 5, "Turn whiteouts into overlayfs's")
    // Record the deletion as overlayfs reads it in a lower layer: `.wh..opq` (the marker of
    // an opaque directory) as the attribute `trusted.overlay.opaque` = `y` of the directory
    // `parent`, any other name as a character device 0/0 of that name in `parent`: see "Turn
    // whiteouts into overlayfs's". Until then the marker is kept as a file.
    let marker = OsString::from(format!(".wh.{}", deleted.to_string_lossy()));
    let how = OpenHow::new()
        .flags(OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_CLOEXEC)
        .mode(Mode::empty())
        .resolve(ResolveFlag::RESOLVE_BENEATH);
    openat2(parent, marker.as_os_str(), how)
        .map(drop)
        .map_err(|e| e.desc().to_string())
}
