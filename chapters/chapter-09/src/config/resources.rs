//! The container's resource limits, and how docker's options name them, in its units and with its
//! messages, checked before anything exists.
//!
//! Everything here is plain arithmetic and text: the cgroup drivers turn it into cgroup files.

use serde::{Deserialize, Serialize};

/// A mistake in a resource option; the messages are docker's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("invalid argument {value:?} for \"{flag}\" flag: invalid size: '{value}'")]
    Size { flag: &'static str, value: String },
    #[error("minimum memory limit allowed is 6MB")]
    MemoryTooSmall,
    #[error("you should always set the memory limit when using a memoryswap limit")]
    SwapWithoutMemory,
    #[error("minimum memoryswap limit should be larger than memory limit")]
    SwapBelowMemory,
    #[error("invalid argument {0:?} for \"--cpus\" flag: it is a number of CPUs, like 1.5")]
    CpusSyntax(String),
    #[error(
        "range of CPUs is from 0.01 to {available}.00, as there are only {available} CPUs available"
    )]
    CpusRange { available: u32 },
    #[error(
        "invalid argument {0:?} for \"--cpu-shares\" flag: the minimum allowed cpu-shares is 2"
    )]
    Shares(String),
    #[error("invalid argument {0:?} for \"--pids-limit\" flag: it is a whole number")]
    Pids(String),
    #[error("invalid value {0} for cpuset cpus: invalid format: {0}")]
    CpusetSyntax(String),
    #[error("invalid value \"\" for cpuset cpus: it names no CPU (leave the option out for all of them)")]
    CpusetEmpty,
    #[error("requested CPUs are not available - requested {requested}, available: {available}")]
    CpusetUnavailable {
        requested: String,
        available: String,
    },
}

/// The smallest memory limit docker accepts: below it, not even a shell starts.
pub const MIN_MEMORY: u64 = 6 * 1024 * 1024;

/// The period of the CPU bandwidth controller, in microseconds: in every such period the
/// container may use `cpus` times it of CPU time. 100 ms, as docker and the kernel default.
pub const CPU_PERIOD_US: u64 = 100_000;

/// The limits the container's cgroup enforces, in the kernel's units: shaped after the OCI
/// runtime spec's `linux.resources`, which groups them by controller.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Resources {
    pub memory: Memory,
    pub cpu: Cpu,
    pub pids: Pids,
}

/// OCI `linux.resources.memory`.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Memory {
    /// `-m/--memory`: bytes of memory.
    pub limit: Option<u64>,
    /// `--memory-swap`: memory and swap together.
    pub swap: Option<Swap>,
}

/// How much memory and swap together (OCI's `swap`, where -1 is unlimited).
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum Swap {
    /// At most this many bytes of memory and swap.
    Limit(u64),
    /// As much swap as there is.
    Unlimited,
}

/// OCI `linux.resources.cpu`.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Cpu {
    /// `--cpu-shares`: the relative weight under contention (1024 is the default).
    pub shares: Option<u64>,
    /// `--cpus`, as microseconds of CPU time in every `period`.
    pub quota: Option<u64>,
    /// The period of the quota, in microseconds: [`CPU_PERIOD_US`] when there is a quota.
    pub period: Option<u64>,
    /// `--cpuset-cpus`: which CPUs the container may run on, e.g. `0-1,3`.
    pub cpus: Option<String>,
}

/// OCI `linux.resources.pids`.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Pids {
    /// `--pids-limit`: at most this many processes and threads.
    pub limit: Option<u64>,
}

/// The options as written, before checking.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    pub memory: Option<&'a str>,
    pub memory_swap: Option<&'a str>,
    pub cpus: Option<&'a str>,
    pub cpu_shares: Option<&'a str>,
    pub pids_limit: Option<&'a str>,
    pub cpuset_cpus: Option<&'a str>,
}

/// Checks the options against each other and against the host's `online` CPUs (the kernel's
/// list, e.g. `0-1`).
pub fn parse(options: &Options, online: &str) -> Result<Resources, Error> {
    let memory = options
        .memory
        .map(|value| bytes("-m, --memory", value))
        .transpose()?
        // docker's "no limit": 0.
        .filter(|&m| m != 0);
    if memory.is_some_and(|m| m < MIN_MEMORY) {
        return Err(Error::MemoryTooSmall);
    }
    let swap = match options.memory_swap {
        // docker's default: as much swap as memory, if the host has swap at all.
        None => memory.map(|m| Swap::Limit(m.saturating_mul(2))),
        // docker accepts unlimited swap on its own, not a swap limit without a memory limit.
        Some("-1") => Some(Swap::Unlimited),
        Some(_) if memory.is_none() => return Err(Error::SwapWithoutMemory),
        Some(value) => {
            let swap = bytes("--memory-swap", value)?;
            if memory.is_some_and(|m| swap < m) {
                return Err(Error::SwapBelowMemory);
            }
            Some(Swap::Limit(swap))
        }
    };
    let available = cpu_count(online);
    let quota = match options.cpus {
        Some(value) => cpus(value, available)?,
        None => None,
    };
    let shares = options
        .cpu_shares
        .map(|value| match value.parse::<u64>() {
            Ok(shares) if shares >= 2 => Ok(shares.min(MAX_SHARES)),
            _ => Err(Error::Shares(value.to_string())),
        })
        .transpose()?;
    let pids = match options.pids_limit {
        None => None,
        Some(value) => match value.parse::<i64>() {
            // docker's "unlimited": 0 or any negative number.
            Ok(n) if n <= 0 => None,
            Ok(n) => Some(n as u64),
            Err(_) => return Err(Error::Pids(value.to_string())),
        },
    };
    let cpus = options
        .cpuset_cpus
        .map(|value| cpuset(value, online))
        .transpose()?;
    Ok(Resources {
        memory: Memory {
            limit: memory,
            swap,
        },
        cpu: Cpu {
            shares,
            quota,
            // docker's period, whenever there is a quota.
            period: quota.map(|_| CPU_PERIOD_US),
            cpus,
        },
        pids: Pids { limit: pids },
    })
}

/// A size as docker reads one: a number, then an optional unit (b, k, m, g, t, p; upper or lower
/// case, with an optional `i` and `b`: `64m`, `64MB`, `64MiB`), in powers of 1024.
pub fn bytes(flag: &'static str, value: &str) -> Result<u64, Error> {
    let bad = || Error::Size {
        flag,
        value: value.to_string(),
    };
    let text = value.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let unit = unit.trim_start().to_ascii_lowercase();
    let unit = unit.strip_suffix('b').unwrap_or(&unit);
    let unit = unit.strip_suffix('i').unwrap_or(unit);
    let power = match unit {
        "" => 0,
        "k" => 1,
        "m" => 2,
        "g" => 3,
        "t" => 4,
        "p" => 5,
        _ => return Err(bad()),
    };
    let size = number * 1024f64.powi(power);
    if !size.is_finite() || size < 0.0 || size > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(size as u64)
}

/// A size in the largest unit that writes it whole: `8m`, `1536k`, `100b`.
pub fn human(bytes: u64) -> String {
    for (unit, size) in [("g", 1u64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    format!("{bytes}b")
}

/// `--cpus`: a fraction of the host's CPUs, as CPU time per period; 0 is docker's "no limit".
fn cpus(value: &str, available: u32) -> Result<Option<u64>, Error> {
    let cpus: f64 = value
        .parse()
        .map_err(|_| Error::CpusSyntax(value.to_string()))?;
    if cpus == 0.0 {
        return Ok(None);
    }
    if !(0.01..=f64::from(available)).contains(&cpus) {
        return Err(Error::CpusRange { available });
    }
    Ok(Some((cpus * CPU_PERIOD_US as f64).round() as u64))
}

/// How many CPUs a kernel CPU list (`0-1,4`) names.
pub fn cpu_count(list: &str) -> u32 {
    cpu_ranges(list).map_or(0, |ranges| {
        let count: u64 = ranges
            .iter()
            .map(|(low, high)| u64::from(high - low) + 1)
            .sum();
        u32::try_from(count).unwrap_or(u32::MAX)
    })
}

/// The ranges of CPUs, first and last, a kernel CPU list names, or `None` if it is not one.
/// Never expanded into the CPUs themselves: `0-4294967295` is two numbers, not four billion.
fn cpu_ranges(list: &str) -> Option<Vec<(u32, u32)>> {
    let mut ranges = Vec::new();
    for part in list.trim().split(',') {
        let (low, high): (u32, u32) = match part.split_once('-') {
            Some((low, high)) => (low.parse().ok()?, high.parse().ok()?),
            None => {
                let cpu = part.parse().ok()?;
                (cpu, cpu)
            }
        };
        if low > high {
            return None;
        }
        ranges.push((low, high));
    }
    Some(ranges)
}

/// The first CPU of `low..=high` that none of the `online` ranges holds, if there is one.
fn first_missing((low, high): (u32, u32), online: &[(u32, u32)]) -> Option<u32> {
    let mut cpu = low;
    loop {
        let Some((_, last)) = online.iter().find(|(a, b)| (*a..=*b).contains(&cpu)) else {
            return Some(cpu);
        };
        // Every CPU up to `last` is online: go on after it, unless the range ends first.
        if *last >= high {
            return None;
        }
        cpu = last + 1;
    }
}

/// `--cpuset-cpus`: a CPU list whose every CPU is online.
fn cpuset(value: &str, online: &str) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::CpusetEmpty);
    }
    let requested = cpu_ranges(value).ok_or_else(|| Error::CpusetSyntax(value.to_string()))?;
    let available = cpu_ranges(online).unwrap_or_default();
    if let Some(missing) = requested
        .iter()
        .find_map(|range| first_missing(*range, &available))
    {
        return Err(Error::CpusetUnavailable {
            requested: missing.to_string(),
            available: online.trim().to_string(),
        });
    }
    Ok(value.to_string())
}

/// The largest `cpu.shares` cgroup v1 accepts.
const MAX_SHARES: u64 = 262_144;

/// cgroup v1 counts CPU weight in shares (2 to 262144, default 1024), cgroup v2 in a weight
/// (1 to 10000, default 100). This is the linear map runc and crun used for years, so the same
/// `--cpu-shares` means the same on both: 2 → 1, 262144 → 10000 (and 1024 → 39; their newest
/// versions bend it into a curve that maps 1024 to 100).
pub fn shares_to_weight(shares: u64) -> u64 {
    let shares = shares.clamp(2, MAX_SHARES);
    1 + ((shares - 2) * 9999) / (MAX_SHARES - 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_as_docker_reads_them() {
        let b = |v| bytes("-m", v);
        assert_eq!(b("32m"), Ok(32 << 20));
        assert_eq!(b("32M"), Ok(32 << 20));
        assert_eq!(b("32MiB"), Ok(32 << 20));
        assert_eq!(b("1g"), Ok(1 << 30));
        assert_eq!(b("1.5k"), Ok(1536));
        assert_eq!(b("4096"), Ok(4096));
        assert_eq!(b("100b"), Ok(100));
        assert_eq!(human(32 << 20), "32m");
        assert_eq!(human(1536), "1536b");
        assert_eq!(human(3 << 30), "3g");
        for bad in ["10q", "", "m", "-1m", "1.2.3m", "12 x"] {
            assert!(b(bad).is_err(), "{bad:?}");
        }
    }

    fn opts<'a>(f: impl FnOnce(&mut Options<'a>)) -> Options<'a> {
        let mut o = Options::default();
        f(&mut o);
        o
    }

    #[test]
    fn memory_below_6mb_and_swap_below_memory_are_refused() {
        let online = "0-1";
        assert_eq!(
            parse(&opts(|o| o.memory = Some("1k")), online),
            Err(Error::MemoryTooSmall)
        );
        assert_eq!(
            parse(&opts(|o| o.memory_swap = Some("64m")), online),
            Err(Error::SwapWithoutMemory)
        );
        assert_eq!(
            parse(
                &opts(|o| {
                    o.memory = Some("64m");
                    o.memory_swap = Some("32m");
                }),
                online
            ),
            Err(Error::SwapBelowMemory)
        );
        let default = parse(&opts(|o| o.memory = Some("64m")), online).unwrap();
        assert_eq!(default.memory.swap, Some(Swap::Limit(128 << 20)));
        let unlimited = parse(
            &opts(|o| {
                o.memory = Some("64m");
                o.memory_swap = Some("-1");
            }),
            online,
        )
        .unwrap();
        assert_eq!(unlimited.memory.swap, Some(Swap::Unlimited));
    }

    #[test]
    fn cpus_become_a_quota_and_stay_within_the_host() {
        let quota = |v| parse(&opts(|o| o.cpus = Some(v)), "0-1").map(|r| r.cpu.quota);
        assert_eq!(quota("0.5"), Ok(Some(50_000)));
        assert_eq!(quota("2"), Ok(Some(200_000)));
        assert_eq!(quota("999"), Err(Error::CpusRange { available: 2 }));
        assert_eq!(quota("-1"), Err(Error::CpusRange { available: 2 }));
        assert_eq!(quota("0.001"), Err(Error::CpusRange { available: 2 }));
        assert!(matches!(quota("lots"), Err(Error::CpusSyntax(_))));
    }

    #[test]
    fn pids_limit_zero_or_negative_means_unlimited() {
        let pids = |v| parse(&opts(|o| o.pids_limit = Some(v)), "0").map(|r| r.pids.limit);
        assert_eq!(pids("20"), Ok(Some(20)));
        assert_eq!(pids("0"), Ok(None));
        assert_eq!(pids("-1"), Ok(None));
        assert!(pids("many").is_err());
    }

    #[test]
    fn cpusets_must_name_online_cpus() {
        let set = |v| parse(&opts(|o| o.cpuset_cpus = Some(v)), "0-1").map(|r| r.cpu.cpus);
        assert_eq!(set("0"), Ok(Some("0".into())));
        assert_eq!(set("0-1"), Ok(Some("0-1".into())));
        assert!(matches!(set("7"), Err(Error::CpusetUnavailable { .. })));
        assert!(matches!(set("x"), Err(Error::CpusetSyntax(_))));
        assert_eq!(set(""), Err(Error::CpusetEmpty));
        assert_eq!(cpu_count("0-3,8"), 5);
    }

    #[test]
    fn a_huge_cpuset_is_refused_without_expanding_it() {
        let set = |v, online| parse(&opts(|o| o.cpuset_cpus = Some(v)), online);
        let unavailable = |cpu: &str, online: &str| {
            Err(Error::CpusetUnavailable {
                requested: cpu.to_string(),
                available: online.to_string(),
            })
        };
        // Four billion CPUs would take 16 GiB as a list: the ranges alone decide.
        assert_eq!(set("0-4294967295", "0-1"), unavailable("2", "0-1"));
        assert_eq!(set("0-100000000", "0-1"), unavailable("2", "0-1"));
        assert_eq!(set("4294967295", "0-1"), unavailable("4294967295", "0-1"));
        assert_eq!(
            set("0-3,5", "0-1,2-3,4-5"),
            Ok(Resources {
                cpu: Cpu {
                    cpus: Some("0-3,5".into()),
                    ..Cpu::default()
                },
                ..Resources::default()
            })
        );
        assert_eq!(set("1-4", "0-2,4"), unavailable("3", "0-2,4"));
        assert_eq!(cpu_count("0-4294967295"), u32::MAX);
    }

    #[test]
    fn zero_memory_and_zero_cpus_mean_no_limit() {
        let online = "0-1";
        let zero = parse(
            &opts(|o| {
                o.memory = Some("0");
                o.cpus = Some("0");
            }),
            online,
        )
        .unwrap();
        assert_eq!(
            (zero.memory.limit, zero.memory.swap, zero.cpu.quota),
            (None, None, None)
        );
        // As in docker, a swap limit still wants a memory limit.
        assert_eq!(
            parse(
                &opts(|o| {
                    o.memory = Some("0");
                    o.memory_swap = Some("1g");
                }),
                online
            ),
            Err(Error::SwapWithoutMemory)
        );
    }

    #[test]
    fn shares_map_onto_weights_as_runc_does() {
        assert_eq!(shares_to_weight(2), 1);
        assert_eq!(shares_to_weight(1024), 39);
        assert_eq!(shares_to_weight(262_144), 10_000);
        assert_eq!(shares_to_weight(512), 20);
    }
}
