//! `minidock info`: what minidock runs on and with, in the shape of `docker info`'s server part,
//! for the lines minidock has.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::StorageDriver;
use crate::container::storage;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
}

/// Prints the lines of `docker info` that minidock has an answer for, in docker's order.
pub fn info(root: &Path, driver: StorageDriver) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let images: BTreeSet<_> = store.names()?.into_values().collect();
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .map(|text| text.trim().to_string())
            .unwrap_or_default()
    };
    let cgroup_version = match crate::cgroups::host_uses_v2() {
        Ok(true) => "2",
        _ => "1",
    };
    let mut lines = vec![
        "Server:".to_string(),
        // Until containers outlive their `run` (chapter 6), none is ever left to count.
        " Containers: 0".into(),
        "  Running: 0".into(),
        "  Paused: 0".into(),
        "  Stopped: 0".into(),
        format!(" Images: {}", images.len()),
        format!(" Server Version: {}", env!("CARGO_PKG_VERSION")),
        format!(" Storage Driver: {}", driver.name()),
    ];
    // As docker: only the overlay driver says what it stands on.
    if driver == StorageDriver::Overlay {
        lines.push(format!(
            "  Backing Filesystem: {}",
            storage::backing_filesystem(root)
        ));
    }
    lines.extend([
        " Cgroup Driver: cgroupfs".to_string(),
        format!(" Cgroup Version: {cgroup_version}"),
        format!(" Kernel Version: {}", read("/proc/sys/kernel/osrelease")),
        format!(" Operating System: {}", operating_system()),
        " OSType: linux".into(),
        format!(" Architecture: {}", std::env::consts::ARCH),
        format!(
            " CPUs: {}",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        format!(" Total Memory: {}", binary_size(total_memory())),
        format!(" Name: {}", read("/proc/sys/kernel/hostname")),
        format!(" Docker Root Dir: {}", root.display()),
    ]);
    for line in lines {
        println!("{line}");
    }
    Ok(0)
}

/// The host's distribution, as /etc/os-release names it for people.
fn operating_system() -> String {
    let text = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_string())
        .unwrap_or_else(|| "Linux".into())
}

/// The host's memory, in bytes (/proc/meminfo's MemTotal, which is in KiB).
fn total_memory() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

/// A size in binary units with four significant digits, as docker prints memory: `23.59GiB`.
pub(crate) fn binary_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let decimals = match value {
        v if v >= 1000.0 => 0,
        v if v >= 100.0 => 1,
        v if v >= 10.0 => 2,
        _ => 3,
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::binary_size;

    #[test]
    fn sizes_read_as_dockers() {
        assert_eq!(binary_size(25_330_000_000), "23.59GiB");
        assert_eq!(binary_size(2 * 1024 * 1024 * 1024), "2GiB");
        assert_eq!(binary_size(512), "512B");
    }
}
