//! `minidock stats [--no-stream] [-a] [CONTAINER...]`: what each container uses, from its
//! cgroup's counters, in docker's table. CPU % is the CPU time the cgroup used between two
//! readings, over the time between them (100% is one CPU kept busy).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::images::print_table;
use super::info::binary_size;
use super::ps::short;
use crate::cgroups::usage::{self, Usage};
use crate::cli::StatsArgs;
use crate::container::{self, state};
use crate::sys;

/// The time between the two readings of one round.
const SAMPLE: Duration = Duration::from_millis(500);

pub fn stats(args: &StatsArgs, root: &Path) -> u8 {
    let mut status = 0;
    let chosen: Vec<state::Container> = if args.containers.is_empty() {
        state::list(root)
            .into_iter()
            .filter(|c| args.all || c.state.status.is_running())
            .collect()
    } else {
        let mut found = Vec::new();
        for reference in &args.containers {
            match state::find(root, reference) {
                Ok(container) => found.push(container),
                Err(err) => {
                    sys::tell(&err);
                    status = 1;
                }
            }
        }
        found
    };
    if status != 0 {
        return status;
    }
    let dirs: Vec<_> = chosen
        .iter()
        .map(|c| container::cgroup_dirs(&c.record.config).unwrap_or_default())
        .collect();
    let total = host_memory();
    loop {
        let before: Vec<Usage> = dirs.iter().map(|d| usage::usage(d)).collect();
        let started = Instant::now();
        std::thread::sleep(SAMPLE);
        let elapsed = started.elapsed().as_nanos().max(1) as f64;
        let mut rows = vec![[
            "CONTAINER ID",
            "NAME",
            "CPU %",
            "MEM USAGE / LIMIT",
            "MEM %",
            "NET I/O",
            "BLOCK I/O",
            "PIDS",
        ]
        .map(String::from)];
        for ((container, dirs), before) in chosen.iter().zip(&dirs).zip(&before) {
            let running =
                state::load(root, container.id()).is_ok_and(|c| c.state.status.is_running());
            let now = if running {
                usage::usage(dirs)
            } else {
                Usage::default()
            };
            let cpu = now.cpu_ns.saturating_sub(before.cpu_ns) as f64 / elapsed * 100.0;
            let limit = now.memory_limit.unwrap_or(total);
            let memory_percent = if limit == 0 {
                0.0
            } else {
                now.memory as f64 / limit as f64 * 100.0
            };
            rows.push([
                short(container.id()).to_string(),
                container.name().to_string(),
                format!("{cpu:.2}%"),
                format!("{} / {}", binary_size(now.memory), binary_size(limit)),
                format!("{memory_percent:.2}%"),
                // No network of its own before chapter 8, no block I/O counted.
                "0B / 0B".to_string(),
                "0B / 0B".to_string(),
                now.pids.to_string(),
            ]);
        }
        if !args.no_stream {
            // Docker's live view: the screen cleared, the table drawn again.
            print!("\x1b[2J\x1b[H");
        }
        print_table(&rows);
        let _ = std::io::stdout().flush();
        if args.no_stream {
            return 0;
        }
    }
}

/// The host's memory, the limit of a container that has none (MemTotal in /proc/meminfo).
fn host_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0)
}
