fn supervise(config: &Config, channel: ContainerEnd) -> sys::Result<Ended> {
    // The signals are still blocked, as minidock left them: read them here too. Opened before
    // the fork, so a signal minidock passes on meanwhile waits for the loop below.
    let mut signals = Signals::catch()?;
    // SAFETY: the container's first process is single-threaded, as minidock was.
    let command = match unsafe { sys::fork() }? {
        // The command: started as without --init; it reports a failure to start to minidock.
        None => std::process::exit(exec::start(&config.process, &channel) as i32),
        Some(pid) => pid,
    };
    // From here on, the calls --explain shows are the init's own.
    sys::set_role(sys::Role::Init);
    // From now on only the command holds the container's end of the handshake, so minidock sees
    // end-of-file exactly when the command's execve succeeds. Kept open here, it would keep
    // minidock waiting for that news, outside its loop, while the command runs: the signals
    // minidock is sent would wait with it.
    drop(channel);
    loop {
        match signals.next()? {
            Event::Signal(signal) => {
                // The command may have just ended: then there is no one to pass it to.
                let _ = sys::kill(command, signal);
            }
            Event::ChildEnded => {
                if let Some(ended) = reap(command)? {
                    return Ok(ended);
                }
            }
        }
    }
}
