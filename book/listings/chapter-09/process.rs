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

    /// Whether the process is still there, and still running: the same pid, started at the
    /// same time, and not a zombie (ended, waiting for its parent to collect it).
    pub fn alive(&self) -> bool {
        self.pid > 0
            && stat(self.pid).is_some_and(|(state, start)| start == self.start && state != 'Z')
    }
}

/// The start time of the process `pid`, from /proc/PID/stat; `None` if there is no such process.
pub fn start_time(pid: i32) -> Option<u64> {
    stat(pid).map(|(_, start)| start)
}

/// The state (`R`, `S`, `Z`...) and start time of the process `pid`, from /proc/PID/stat.
fn stat(pid: i32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces and parentheses: fields count from the
    // last `)`. The state is field 3, the start time field 22.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.nth(18)?.parse().ok()?))
}
