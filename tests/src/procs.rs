//! The host's view of processes, from its /proc: what a test sees of a container from outside.

use std::fs;

/// The pids of `parent`'s children.
pub fn children_of(parent: u32) -> Vec<u32> {
    all_pids()
        .into_iter()
        .filter(|&pid| stat(pid).is_some_and(|s| s.ppid == parent))
        .collect()
}

/// Where a process and its descendants are: `PID STATE WAITING-IN COMMAND` for each, joined
/// with "; " (the kernel's wait channel says what a sleeping process waits for).
pub fn where_stuck(pid: u32) -> String {
    let mut seen = Vec::new();
    let mut next = vec![pid];
    while let Some(pid) = next.pop() {
        let state = stat(pid).map(|s| s.state).unwrap_or('?');
        let wchan = fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
        let args = fs::read(format!("/proc/{pid}/cmdline"))
            .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
            .unwrap_or_default();
        seen.push(format!("{pid} {state} {} {}", wchan.trim(), args.trim()));
        next.extend(children_of(pid));
    }
    seen.join("; ")
}

/// Every process of the PID namespace that `pid` is in, with its one-letter state (`Z` for a
/// zombie) and its name.
pub fn in_pid_namespace_of(pid: u32) -> Vec<Process> {
    let Some(ns) = pid_namespace(pid) else {
        return Vec::new();
    };
    all_pids()
        .into_iter()
        .filter(|&p| pid_namespace(p).as_deref() == Some(ns.as_str()))
        .filter_map(|p| {
            stat(p).map(|s| Process {
                pid: p,
                state: s.state,
                name: s.name,
            })
        })
        .collect()
}

/// The PID namespace `pid` is in, as the kernel names it (`pid:[4026531836]`).
pub fn pid_namespace(pid: u32) -> Option<String> {
    fs::read_link(format!("/proc/{pid}/ns/pid"))
        .ok()
        .map(|link| link.display().to_string())
}

/// A process, as the host sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    pub state: char,
    pub name: String,
}

struct Stat {
    name: String,
    state: char,
    ppid: u32,
}

fn all_pids() -> Vec<u32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .collect()
}

/// /proc/PID/stat: `pid (name) state ppid ...`; the name may hold spaces and parentheses, so
/// the fields after it are found from the last `)`.
fn stat(pid: u32) -> Option<Stat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_string();
    let mut fields = text[close + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some(Stat { name, state, ppid })
}
