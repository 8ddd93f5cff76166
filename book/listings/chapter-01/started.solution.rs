/// Gives the child the go-ahead, and learns whether its command started.
pub fn release(&mut self) -> Result<()> {
    // The go-ahead is given once; minidock's end of the channel has no more use after it.
    let Some(channel) = self.channel.take() else {
        return Ok(());
    };
    channel.send(&ToContainer::Continue)?;
    let Some(failure) = channel.recv()? else {
        // End of file: the command runs.
        return Ok(());
    };
    // The child exits right after reporting; collect it so it is not left a zombie.
    let child = self.child()?;
    sys::waitpid(child).map_err(Error::Wait)?;
    self.child = None;
    Err(match failure {
        ToMinidock::SetupFailed { detail } => Error::Setup(detail),
        ToMinidock::ExecFailed { reason, detail } => Error::Exec { reason, detail },
    })
}
