/// The file to execute for `command`: itself if it contains a `/`, otherwise the first executable
/// regular file of that name in the directories of `search_path`.
pub fn resolve(command: &str, search_path: &str) -> Option<PathBuf> {
    // STRETCH(chapter 1): Find the command
    //   (optional, given: the book, chapter 1, "Find the command")
    if command.contains('/') {
        return Some(PathBuf::from(command));
    }
    if command.is_empty() {
        return None;
    }
    search_path
        .split(':')
        // An empty entry means the current directory, as in a shell.
        .map(|dir| if dir.is_empty() { "." } else { dir })
        .map(|dir| Path::new(dir).join(command))
        .find(|candidate| is_executable_file(candidate))
}
