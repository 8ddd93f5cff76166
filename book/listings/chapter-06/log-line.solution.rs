/// Takes `bytes`, just read from `stream`, and writes a record of each line they complete.
pub fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()> {
    let partial = &mut self.partial[stream as usize];
    partial.extend_from_slice(bytes);
    // Every complete line is a record; what follows the last newline waits for the rest.
    let Some(last) = partial.iter().rposition(|&b| b == b'\n') else {
        return Ok(());
    };
    let complete: Vec<u8> = partial.drain(..=last).collect();
    let time = state::rfc3339(state::now());
    for line in complete.split_inclusive(|&b| b == b'\n') {
        append(&mut self.file, stream, line, &time)?;
    }
    Ok(())
}
