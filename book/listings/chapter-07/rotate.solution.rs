/// Writes one record, whole (`record` ends with its newline), rotating the log first if it
/// has reached its `max_size`.
pub fn write(&mut self, record: &[u8]) -> io::Result<()> {
    if self.max_size.is_some_and(|max| self.size >= max) {
        // From the oldest to the newest: each rename(2) replaces the file it is given, so the
        // first one drops the oldest file, and each next one moves a file to the name the
        // previous rename has just freed. A file not there yet (the log has not rotated that
        // often) is skipped.
        for n in (1..self.max_file).rev() {
            match std::fs::rename(rotated(&self.path, n - 1), rotated(&self.path, n)) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
        // The descriptor still writes to the file renamed `.1`: a new one for a new file.
        // With max-file 1 nothing was renamed, and the log starts again, empty.
        self.file = open(&self.path)?;
        self.file.set_len(0)?;
        self.size = 0;
    }
    self.file.write_all(record)?;
    self.size += record.len() as u64;
    Ok(())
}
