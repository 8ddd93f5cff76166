/// Opens the directory that holds `path` inside the layer, and returns it with the last name of
/// `path`. Missing directories on the way are made; a symbolic link on the way is refused.
fn open_parent(root: &OwnedFd, path: &Path) -> Result<(OwnedFd, OsString), String> {
    // TODO(chapter 5): Find the entry's directory
    //   (the book: chapter 5, "Find the entry's directory")
    // Open the directory that holds `path` inside the layer, from `root`: make the ones that
    // are missing, and refuse a symbolic link on the way, wherever it points: see "Find the
    // entry's directory". Until then every entry lands in the layer's top directory.
    let name = path.file_name().expect("a cleaned path ends in a name");
    let dir = unistd::dup(root).map_err(|e| e.desc().to_string())?;
    Ok((dir, name.to_os_string()))
}
