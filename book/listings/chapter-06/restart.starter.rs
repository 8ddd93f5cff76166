/// Whether the monitor starts the container again, under `policy`, now that its command has
/// exited with `exit_code`, after `restarts` restarts already, and `stopped` if someone stopped
/// it (`stop`, `rm -f`).
pub fn again(policy: Restart, exit_code: i32, restarts: u32, stopped: bool) -> bool {
    // TODO(chapter 6): Decide on a restart
    //   (the book: chapter 6, "Decide on a restart")
    // Decide, by the rules of "Decide on a restart". Until then no container is ever
    // started again.
    let _ = (policy, exit_code, restarts, stopped);
    false
}
