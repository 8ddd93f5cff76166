/// Collects the children that have ended, and returns how the command ended if it is one of them.
fn reap(command: Pid) -> sys::Result<Option<Ended>> {
    // One SIGCHLD can stand for many children: collect every one that has ended, whoever it is,
    // until none is left. Orphans, re-parented to pid 1, are among them.
    let mut command_ended = None;
    while let Some((pid, ended)) = sys::reap_any()? {
        if pid == command {
            command_ended = Some(ended);
        }
    }
    Ok(command_ended)
}
