//! What a container is made of, checked before anything is created.
//!
//! Every mistake in the command line is found here, while nothing exists yet, so a bad `run`
//! changes nothing on the host.

use std::ffi::CString;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::RunArgs;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "image {0:?}: only root filesystem directories are supported, written as a path \
         (/..., ./... or ../...)"
    )]
    NotAPath(String),
    #[error("image {path:?}: {reason}")]
    BadImage { path: PathBuf, reason: String },
    #[error("no command given: a root filesystem directory has no default command")]
    NoCommand,
    #[error("invalid host name {0:?}: it must be 1 to 64 characters, without '/' or NUL")]
    BadHostname(String),
    #[error("invalid environment variable {0:?}")]
    BadEnv(String),
    #[error("the working directory {0:?} is invalid: it needs to be an absolute path")]
    RelativeWorkdir(String),
    #[error("{what} contains a NUL byte: {value:?}")]
    Nul { what: &'static str, value: String },
    #[error("generating a container id: {0}")]
    Random(std::io::Error),
    // [ch04]
    #[error(transparent)]
    Resources(#[from] crate::cgroups::limits::Error),
    #[error("reading the host's online CPUs: {0}")]
    OnlineCpus(std::io::Error),
    #[error("invalid cgroup parent {0:?}: a path of names, without '.' or '..'")]
    CgroupParent(String),
    // [ch04 end]
}

pub type Result<T> = std::result::Result<T, Error>;

/// The search path a container gets when `-e PATH=...` does not set one: docker's.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Everything the container's first process needs, in the form the kernel wants it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The root filesystem directory, as given (relative paths are relative to where minidock
    /// runs).
    pub rootfs: PathBuf,
    pub hostname: String,
    /// The command and its arguments; `argv[0]` is the command as written.
    pub argv: Vec<CString>,
    /// The command's whole environment (`KEY=VALUE`).
    pub env: Vec<CString>,
    /// The search path used to find the command, from `env`.
    pub path: String,
    /// Absolute, inside the container.
    pub workdir: PathBuf,
    // [ch02]
    /// Whether minidock's own init is the container's pid 1, with the command as its child.
    pub init: bool,
    // [ch02 end]
    // [ch04]
    /// The limits its cgroup enforces.
    pub resources: crate::cgroups::Resources,
    /// Where its cgroup is made, as `--cgroup-parent` says.
    pub cgroup_parent: String,
    /// A name for its cgroup, unique on the host.
    pub id: String,
    /// How the container sees its cgroups: set by minidock once the cgroup exists.
    pub cgroup_view: Option<crate::cgroups::View>,
    // [ch04 end]
}

impl Config {
    /// Checks the `run` options and turns them into a container configuration.
    ///
    /// `caller_env` looks up minidock's own environment, for `-e KEY` without a value.
    pub fn from_args(args: &RunArgs, caller_env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let rootfs = rootfs_dir(args.image())?;
        if args.command().is_empty() {
            return Err(Error::NoCommand);
        }
        let hostname = match &args.hostname {
            Some(name) => valid_hostname(name)?,
            None => short_id()?,
        };
        let workdir = match &args.workdir {
            Some(dir) if !dir.starts_with('/') => return Err(Error::RelativeWorkdir(dir.clone())),
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from("/"),
        };
        let vars = environment(&hostname, &args.env, caller_env)?;
        let path = vars
            .iter()
            .find(|(key, _)| key == "PATH")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        Ok(Config {
            rootfs,
            hostname,
            argv: args
                .command()
                .iter()
                .map(|arg| cstring("the command", arg))
                .collect::<Result<_>>()?,
            env: vars
                .iter()
                .map(|(key, value)| cstring("an environment variable", &format!("{key}={value}")))
                .collect::<Result<_>>()?,
            path,
            workdir,
            init: args.init, // [ch02]
            // [ch04]
            resources: resources(args)?,
            cgroup_parent: cgroup_parent(&args.cgroup_parent)?,
            id: format!("minidock-{}", short_id()?),
            cgroup_view: None,
            // [ch04 end]
        })
    }
}

/// IMAGE written as a path must be an existing directory; anything else is an image reference,
/// which this runtime does not know yet.
fn rootfs_dir(image: &str) -> Result<PathBuf> {
    let is_path = image.starts_with('/') || image.starts_with("./") || image.starts_with("../");
    if !is_path {
        return Err(Error::NotAPath(image.to_string()));
    }
    let path = Path::new(image);
    let bad = |reason: String| Error::BadImage {
        path: path.to_path_buf(),
        reason,
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path.to_path_buf()),
        Ok(_) => Err(bad("not a directory".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(bad("no such directory".into())),
        Err(e) => Err(bad(e.to_string().to_lowercase())),
    }
}

// [ch04]
/// The resource options, checked against each other and against the host's CPUs.
fn resources(args: &RunArgs) -> Result<crate::cgroups::Resources> {
    use crate::cgroups::limits;
    let online =
        std::fs::read_to_string("/sys/devices/system/cpu/online").map_err(Error::OnlineCpus)?;
    let options = limits::Options {
        memory: args.memory.as_deref(),
        memory_swap: args.memory_swap.as_deref(),
        cpus: args.cpus.as_deref(),
        cpu_shares: args.cpu_shares.as_deref(),
        pids_limit: args.pids_limit.as_deref(),
        cpuset_cpus: args.cpuset_cpus.as_deref(),
    };
    Ok(limits::parse(&options, &online)?)
}

/// `--cgroup-parent`: names separated by `/`, absolute or relative, never climbing up.
fn cgroup_parent(parent: &str) -> Result<String> {
    let ok = !parent.is_empty()
        && parent
            .split('/')
            .filter(|part| !part.is_empty())
            .all(|part| part != "." && part != ".." && !part.contains('\0'));
    if ok {
        Ok(parent.to_string())
    } else {
        Err(Error::CgroupParent(parent.to_string()))
    }
}
// [ch04 end]

fn valid_hostname(name: &str) -> Result<String> {
    // sethostname(2) takes at most 64 bytes (HOST_NAME_MAX).
    let ok = !name.is_empty() && name.len() <= 64 && !name.contains(['/', '\0']);
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::BadHostname(name.to_string()))
    }
}

/// A short random id, 12 hex digits, like the host names docker gives its containers.
fn short_id() -> Result<String> {
    let mut bytes = [0u8; 6];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(Error::Random)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The command's environment, built as docker builds it: nothing from minidock's own environment
/// but what `-e` asks for. `PATH` and `HOSTNAME` first, then the `-e` variables in order, then
/// `HOME`; a `-e` variable replaces a default of the same name.
fn environment(
    hostname: &str,
    options: &[String],
    caller_env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>> {
    let mut vars: Vec<(String, String)> = vec![
        ("PATH".into(), DEFAULT_PATH.into()),
        ("HOSTNAME".into(), hostname.into()),
    ];
    for option in options {
        let key = option
            .split_once('=')
            .map_or(option.as_str(), |(key, _)| key);
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(Error::BadEnv(option.clone()));
        }
        let (key, value) = match option.split_once('=') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            // `-e KEY` passes KEY through when minidock has it, and is dropped otherwise.
            None => match caller_env(option) {
                Some(value) => (option.clone(), value),
                None => continue,
            },
        };
        match vars.iter_mut().find(|(k, _)| *k == key) {
            Some(existing) => existing.1 = value,
            None => vars.push((key, value)),
        }
    }
    if !vars.iter().any(|(k, _)| k == "HOME") {
        vars.push(("HOME".into(), "/root".into()));
    }
    Ok(vars)
}

fn cstring(what: &'static str, value: &str) -> Result<CString> {
    CString::new(value).map_err(|_| Error::Nul {
        what,
        value: value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(options: &[&str]) -> Vec<String> {
        let options: Vec<String> = options.iter().map(|s| s.to_string()).collect();
        let caller = |key: &str| (key == "FROM_CALLER").then(|| "yes".to_string());
        environment("box", &options, caller)
            .unwrap()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn default_environment_is_dockers() {
        assert_eq!(
            env_of(&[]),
            [
                format!("PATH={DEFAULT_PATH}"),
                "HOSTNAME=box".into(),
                "HOME=/root".into()
            ]
        );
    }

    #[test]
    fn env_options_add_and_replace() {
        let env = env_of(&["A=1", "PATH=/bin", "B=x=y", "HOME=/home/me"]);
        assert_eq!(
            env,
            ["PATH=/bin", "HOSTNAME=box", "A=1", "B=x=y", "HOME=/home/me"]
        );
    }

    #[test]
    fn env_without_value_passes_the_callers_through_or_nothing() {
        let env = env_of(&["FROM_CALLER", "NOT_SET"]);
        assert!(env.contains(&"FROM_CALLER=yes".to_string()));
        assert!(!env.iter().any(|v| v.starts_with("NOT_SET")));
    }

    #[test]
    fn empty_env_names_are_refused() {
        for bad in ["=x", "", " "] {
            let caller = |_: &str| Some("from the caller".to_string());
            assert!(
                environment("box", &[bad.to_string()], caller).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn short_ids_are_twelve_hex_digits() {
        let id = short_id().unwrap();
        assert_eq!(id.len(), 12);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase()));
    }

    #[test]
    fn images_must_be_written_as_paths() {
        assert!(matches!(rootfs_dir("busybox"), Err(Error::NotAPath(_))));
        assert!(matches!(
            rootfs_dir("/no/such/dir/anywhere"),
            Err(Error::BadImage { .. })
        ));
        assert!(rootfs_dir("/").is_ok());
    }

    #[test]
    fn host_names_are_checked() {
        assert!(valid_hostname("web-1").is_ok());
        assert!(valid_hostname("").is_err());
        assert!(valid_hostname(&"x".repeat(65)).is_err());
    }
}
