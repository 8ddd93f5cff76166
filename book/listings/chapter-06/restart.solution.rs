/// Whether the monitor starts the container again, under `policy`, now that its command has
/// exited with `exit_code`, after `restarts` restarts already, and `stopped` if someone stopped
/// it (`stop`, `rm -f`).
pub fn again(policy: Restart, exit_code: i32, restarts: u32, stopped: bool) -> bool {
    // A container someone stopped stays stopped, whatever its policy; `on-failure` counts the
    // restarts, not the runs: `on-failure:2` runs a failing command three times.
    if stopped {
        return false;
    }
    match policy {
        Restart::No => false,
        Restart::Always | Restart::UnlessStopped => true,
        Restart::OnFailure { max } => exit_code != 0 && max.is_none_or(|max| restarts < max),
    }
}
