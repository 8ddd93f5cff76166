/// Appends `event` to the file at `path`, made if it is not there, so that any number of
/// processes can append at once: every record whole, none lost.
pub fn append(path: &Path, event: &Event) -> io::Result<()> {
    // The whole record, with its newline, in one buffer: one write(2) puts it in the file.
    let mut record = serde_json::to_vec(event).map_err(io::Error::other)?;
    record.push(b'\n');
    // O_APPEND: each write(2) goes to the end of the file as it is at that moment, the kernel's
    // move to the end and the write one step under the file's lock. A writer that sought the end
    // itself could find it, lose the processor, and write over a record another process wrote
    // meanwhile.
    let mut file = File::options().create(true).append(true).open(path)?;
    let written = file.write(&record)?;
    // A regular file takes the whole buffer, short of a full disk: a part would be a broken line.
    if written != record.len() {
        return Err(io::Error::other(format!(
            "{written} bytes of {} written",
            record.len()
        )));
    }
    Ok(())
}
