/// A process, named so that its pid cannot be mistaken for a later process's: pids are reused,
/// start times are not (the time since boot, in clock ticks, `/proc/PID/stat`'s 22nd field).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: i32,
    pub start: u64,
}

impl Process {
    /// This process.
    pub fn this() -> Process {
        Process::of(std::process::id() as i32).unwrap_or_default()
    }

    /// The process `pid`, as it is now; `None` if there is none.
    pub fn of(pid: i32) -> Option<Process> {
        Some(Process {
            pid,
            start: start_time(pid)?,
        })
    }

    /// Whether the process is still there: the same pid, started at the same time.
    pub fn alive(&self) -> bool {
        self.pid > 0 && start_time(self.pid) == Some(self.start)
    }
}

/// The start time of the process `pid`, from /proc/PID/stat; `None` if there is no such process.
pub fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces and parentheses: fields count from the
    // last `)`. The state is field 3, the start time field 22.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}
