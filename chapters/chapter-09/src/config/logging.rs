//! Where a detached container's output goes (`run --log-driver`, `--log-opt KEY=VALUE`): docker's
//! log drivers `json-file` (the default), `syslog` and `none`, each with its options.
//!
//! Everything is checked here, before anything exists, with docker's words: a driver it does not
//! know, an option the driver does not take, a size, a count, an address, a facility or a format
//! it would refuse. The options are kept as they were given, KEY → VALUE, as `inspect` shows them
//! (`HostConfig.LogConfig`); the monitor reads them again, with [`LogConfig::driver`], when it
//! starts the container.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A container's log driver and its options, as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConfig {
    /// `json-file`, `syslog` or `none`.
    pub driver: String,
    /// The options, KEY → VALUE.
    pub options: BTreeMap<String, String>,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            driver: JSON_FILE.to_string(),
            options: BTreeMap::new(),
        }
    }
}

const JSON_FILE: &str = "json-file";
const SYSLOG: &str = "syslog";
const NONE: &str = "none";

/// The options each driver takes (docker 20.10's lists). `labels` and `env` (and their
/// `-regex`) are taken and have nothing to add: a minidock container has no labels, and its
/// environment is not copied into its log.
const JSON_FILE_OPTIONS: &[&str] = &[
    "max-file",
    "max-size",
    "compress",
    "labels",
    "labels-regex",
    "env",
    "env-regex",
    "tag",
];
const SYSLOG_OPTIONS: &[&str] = &[
    "syslog-address",
    "syslog-facility",
    "syslog-format",
    "syslog-tls-ca-cert",
    "syslog-tls-cert",
    "syslog-tls-key",
    "syslog-tls-skip-verify",
    "labels",
    "labels-regex",
    "env",
    "env-regex",
    "tag",
];

/// docker's default tag: the container's id, 12 hex digits.
pub const DEFAULT_TAG: &str = "{{.ID}}";

/// Options docker would refuse, in its words.
#[derive(Debug, thiserror::Error)]
pub enum BadLog {
    #[error("error looking up logging plugin {0}: plugin \"{0}\" not found")]
    NoDriver(String),
    #[error("unknown log opt '{0}' for {1} log driver")]
    UnknownOption(String, String),
    #[error("invalid logging opts for driver none")]
    NoneTakesNoOptions,
    #[error("failed to initialize logging driver: invalid size: '{0}'")]
    Size(String),
    #[error("failed to initialize logging driver: max-file cannot be less than 1")]
    MaxFileBelowOne,
    #[error("failed to initialize logging driver: strconv.Atoi: parsing \"{0}\": invalid syntax")]
    MaxFile(String),
    #[error(
        "failed to initialize logging driver: strconv.ParseBool: parsing \"{0}\": invalid syntax"
    )]
    Compress(String),
    #[error("failed to initialize logging driver: compressed rotated logs are not supported")]
    CompressUnsupported,
    #[error("syslog-address should be in form proto://address, got {0}")]
    Address(String),
    #[error("parse \"{0}\": invalid port \"{1}\" after host")]
    Port(String, String),
    #[error("stat {0}: {1}")]
    Socket(String, String),
    #[error("syslog over TLS is not supported")]
    Tls,
    #[error("invalid syslog facility")]
    Facility,
    #[error("Invalid syslog format")]
    Format,
    #[error("failed to initialize logging driver: {0}")]
    Tag(String),
}

impl BadLog {
    /// docker's exit status: 125, but 127 for a socket that is not there (docker's client reads
    /// "no such file" in the daemon's message as a command not found).
    pub fn exit_status(&self) -> u8 {
        match self {
            BadLog::Socket(_, why) if why.contains("no such file") => 127,
            _ => crate::process::exit::FAILED,
        }
    }
}

/// What a driver does, read from its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driver {
    JsonFile(JsonFile),
    Syslog(Syslog),
    None,
}

/// json-file's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFile {
    /// The size at which the log is rotated (`max-size`); never, if none.
    pub max_size: Option<u64>,
    /// How many files the log may have, itself and its rotated ones (`max-file`, at least 1).
    pub max_file: u32,
}

/// syslog's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syslog {
    pub address: Address,
    /// The facility's number (`daemon` is 3).
    pub facility: u8,
    pub format: Format,
    /// The tag's template (`{{.ID}}` unless given).
    pub tag: String,
}

/// Where syslog messages go (`syslog-address`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A datagram socket, as the host's own `/dev/log`.
    Unixgram(PathBuf),
    /// A stream socket.
    Unix(PathBuf),
    /// `host:port`, 514 unless given.
    Udp(String),
    Tcp(String),
}

/// The message's format (`syslog-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// docker's default: RFC 3164's header without its host name, as the C library's
    /// `syslog(3)` writes to `/dev/log`.
    Unix,
    Rfc3164,
    Rfc5424,
    /// RFC 5424 with the time to the microsecond.
    Rfc5424Micro,
}

/// syslog's facilities, by docker's names: their number is their place.
pub const FACILITIES: [&str; 24] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "", "", "", "", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
    "local7",
];

impl LogConfig {
    /// `--log-driver` and the `--log-opt`s, checked as docker checks them.
    pub fn parse(driver: &str, options: &[String]) -> Result<LogConfig, BadLog> {
        let mut config = LogConfig {
            driver: driver.to_string(),
            options: BTreeMap::new(),
        };
        for option in options {
            // docker keeps `--log-opt KEY` as KEY with an empty value.
            let (key, value) = option.split_once('=').unwrap_or((option, ""));
            config.options.insert(key.to_string(), value.to_string());
        }
        if driver == NONE && !config.options.is_empty() {
            return Err(BadLog::NoneTakesNoOptions);
        }
        config.driver()?;
        Ok(config)
    }

    /// What the driver does, from its options.
    pub fn driver(&self) -> Result<Driver, BadLog> {
        let known = match self.driver.as_str() {
            JSON_FILE => JSON_FILE_OPTIONS,
            SYSLOG => SYSLOG_OPTIONS,
            NONE => return Ok(Driver::None),
            other => return Err(BadLog::NoDriver(other.to_string())),
        };
        if let Some(key) = self
            .options
            .keys()
            .find(|key| !known.contains(&key.as_str()))
        {
            return Err(BadLog::UnknownOption(key.clone(), self.driver.clone()));
        }
        let option = |key: &str| self.options.get(key).map(String::as_str);
        let tag = option("tag").unwrap_or(DEFAULT_TAG).to_string();
        crate::commands::template::Template::parse(&tag)
            .map_err(|err| BadLog::Tag(err.to_string()))?;
        if self.driver == JSON_FILE {
            let max_size = option("max-size").map(size).transpose()?;
            let max_file = match option("max-file") {
                Some(text) => {
                    let n: i64 = text.parse().map_err(|_| BadLog::MaxFile(text.into()))?;
                    if n < 1 {
                        return Err(BadLog::MaxFileBelowOne);
                    }
                    u32::try_from(n).map_err(|_| BadLog::MaxFile(text.into()))?
                }
                None => 1,
            };
            match option("compress") {
                None | Some("false" | "0" | "f" | "F" | "FALSE" | "False") => {}
                Some("true" | "1" | "t" | "T" | "TRUE" | "True") => {
                    return Err(BadLog::CompressUnsupported)
                }
                Some(other) => return Err(BadLog::Compress(other.into())),
            }
            // As docker: without max-size, nothing rotates, and max-file has nothing to count.
            let max_file = if max_size.is_some() { max_file } else { 1 };
            return Ok(Driver::JsonFile(JsonFile { max_size, max_file }));
        }
        if self.options.keys().any(|key| key.starts_with("syslog-tls")) {
            return Err(BadLog::Tls);
        }
        let address = address(option("syslog-address").unwrap_or(""))?;
        let facility = match option("syslog-facility") {
            None => 3,
            Some(name) => facility(name).ok_or(BadLog::Facility)?,
        };
        let format = match option("syslog-format").unwrap_or("") {
            "" => Format::Unix,
            "rfc3164" => Format::Rfc3164,
            "rfc5424" => Format::Rfc5424,
            "rfc5424micro" => Format::Rfc5424Micro,
            _ => return Err(BadLog::Format),
        };
        Ok(Driver::Syslog(Syslog {
            address,
            facility,
            format,
            tag,
        }))
    }

    /// Whether `logs` can read what the driver keeps: json-file's log only.
    pub fn readable(&self) -> bool {
        self.driver == JSON_FILE
    }
}

/// A facility's number, by its name, or as a number (docker takes both).
pub fn facility(name: &str) -> Option<u8> {
    if let Ok(n) = name.parse::<u8>() {
        return (usize::from(n) < FACILITIES.len() && !FACILITIES[usize::from(n)].is_empty())
            .then_some(n);
    }
    let n = FACILITIES
        .iter()
        .position(|&f| !f.is_empty() && f == name)?;
    u8::try_from(n).ok()
}

/// A size as docker's json-file reads it (its `FromHumanSize`): a number, with a fraction if
/// need be, and a decimal unit: `k` is 1000 bytes, `m` a million, `g` a billion (`kb`, `KiB`
/// and such read the same).
pub fn size(text: &str) -> Result<u64, BadLog> {
    let bad = || BadLog::Size(text.to_string());
    let digits = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let unit = unit.trim_start_matches(' ').to_ascii_lowercase();
    let unit = unit
        .strip_suffix('b')
        .unwrap_or(&unit)
        .trim_end_matches('i')
        .to_string();
    let scale = match unit.as_str() {
        "" => 1.0,
        "k" => 1e3,
        "m" => 1e6,
        "g" => 1e9,
        "t" => 1e12,
        "p" => 1e15,
        _ => return Err(bad()),
    };
    Ok((number * scale) as u64)
}

/// `syslog-address`, as docker reads it; the host's `/dev/log` if empty.
fn address(text: &str) -> Result<Address, BadLog> {
    if text.is_empty() {
        return Ok(Address::Unixgram(PathBuf::from("/dev/log")));
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(BadLog::Address(text.to_string()));
    };
    match scheme {
        "unix" | "unixgram" => {
            // As docker: the socket must be there when the container is made.
            std::fs::metadata(rest).map_err(|err| {
                BadLog::Socket(
                    rest.to_string(),
                    crate::sys::describe(crate::sys::errno_of(err)).to_lowercase(),
                )
            })?;
            let path = PathBuf::from(rest);
            Ok(if scheme == "unix" {
                Address::Unix(path)
            } else {
                Address::Unixgram(path)
            })
        }
        "udp" | "tcp" => {
            let host = rest.split('/').next().unwrap_or("");
            let host = match host.rsplit_once(':') {
                Some((_, port)) if !port.is_empty() && port.parse::<u16>().is_err() => {
                    return Err(BadLog::Port(text.to_string(), format!(":{port}")))
                }
                Some((name, port)) if !port.is_empty() && !name.ends_with(':') => host.to_string(),
                _ => format!("{}:514", host.trim_end_matches(':')),
            };
            Ok(if scheme == "udp" {
                Address::Udp(host)
            } else {
                Address::Tcp(host)
            })
        }
        "tcp+tls" => Err(BadLog::Tls),
        _ => Err(BadLog::Address(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_docker_reads_them() {
        assert_eq!(size("10").unwrap(), 10);
        assert_eq!(size("1k").unwrap(), 1000);
        assert_eq!(size("1.5m").unwrap(), 1_500_000);
        assert_eq!(size("2g").unwrap(), 2_000_000_000);
        assert_eq!(size("3kb").unwrap(), 3000);
        for bad in ["abc", "-1", "10x", ""] {
            assert!(size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_are_checked_as_docker_checks_them() {
        let opts = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let bad = |driver, list: &[&str]| {
            LogConfig::parse(driver, &opts(list))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            bad("json-file", &["foo=bar"]),
            "unknown log opt 'foo' for json-file log driver"
        );
        assert_eq!(
            bad("bogus", &[]),
            "error looking up logging plugin bogus: plugin \"bogus\" not found"
        );
        assert_eq!(
            bad("none", &["max-size=1k"]),
            "invalid logging opts for driver none"
        );
        assert_eq!(
            bad("syslog", &["syslog-facility=x"]),
            "invalid syslog facility"
        );
        assert_eq!(bad("syslog", &["syslog-format=x"]), "Invalid syslog format");
        assert_eq!(
            bad("syslog", &["syslog-address=/dev/log"]),
            "syslog-address should be in form proto://address, got /dev/log"
        );
        assert_eq!(
            bad("syslog", &["syslog-address=tcp://nohost:x"]),
            "parse \"tcp://nohost:x\": invalid port \":x\" after host"
        );
        let udp = LogConfig::parse("syslog", &opts(&["syslog-address=udp://127.0.0.1"]))
            .unwrap()
            .driver()
            .unwrap();
        let Driver::Syslog(syslog) = udp else {
            panic!("syslog")
        };
        assert_eq!(syslog.address, Address::Udp("127.0.0.1:514".into()));
        assert_eq!(syslog.facility, 3);
        let json = LogConfig::parse("json-file", &opts(&["max-file=3"]))
            .unwrap()
            .driver()
            .unwrap();
        assert_eq!(
            json,
            Driver::JsonFile(JsonFile {
                max_size: None,
                max_file: 1
            })
        );
        assert_eq!(facility("local7"), Some(23));
        assert_eq!(facility("12"), None);
    }
}
