//! What a container is made of: minidock's own configuration, checked before anything exists.
//!
//! Commands build it, `run` from its options today, and every mistake is found while building it,
//! while nothing exists yet, so a bad command changes nothing on the host. Nothing here knows the
//! command line: the fields follow the OCI runtime specification's `config.json` where it has one
//! (`root.path`, `process.args`, `process.env`, `process.cwd`, `hostname`, `linux.resources`,
//! `linux.cgroupsPath`), so that any other source of a configuration maps onto it directly.

pub mod mounts;
pub mod resources;
pub mod restart;

pub mod logging;
pub mod network;
pub mod ports;

use std::ffi::CString;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use resources::Resources;

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
    #[error("invalid mount path: '{0}' mount path must be absolute")]
    RelativeMount(String),
    #[error("invalid specification: destination can't be '/'")]
    MountOnRoot,
    #[error("invalid tmpfs option {0}")]
    TmpfsOption(String),
    #[error(transparent)]
    Resources(#[from] resources::Error),
    #[error("reading the host's online CPUs: {0}")]
    OnlineCpus(std::io::Error),
    #[error("invalid cgroup parent {0:?}: a path of names, without '.' or '..'")]
    CgroupParent(String),
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    Option(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The search path a container gets when `-e PATH=...` does not set one: docker's.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Everything a container is made of, in the form the kernel wants it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// The container's id: random hex digits, unique on the host (the first 12 are its default
    /// host name).
    pub id: String,
    /// Its root filesystem.
    pub root: Root,
    pub hostname: String,
    /// The command it runs.
    pub process: Process,
    /// Whether minidock's own init is the container's pid 1, with the command as its child
    /// (docker's `--init`; the OCI runtime has no such thing).
    pub init: bool,
    /// Filesystems mounted in the container besides its own /proc, /dev, /sys and /tmp: for now
    /// the tmpfs of `--tmpfs` (OCI `mounts`).
    pub mounts: Vec<mounts::Mount>,
    /// What only Linux has: limits, and where the cgroup goes.
    pub linux: Linux,
    /// For a container of an image: the storage driver that makes its root, and from what.
    /// `None` for a root filesystem directory, used as it is.
    pub storage: Option<Storage>,
    /// What docker knows of the container besides what the kernel needs.
    pub meta: Meta,
    /// Its network, and what its resolver's files say.
    #[serde(default)]
    pub network: network::Network,
}

/// docker's side of a container, which the kernel never sees.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    /// Its name (`--name`); empty until one is made up.
    pub name: String,
    /// The image as the command line named it (or the root filesystem directory).
    pub image: String,
    /// Whether it goes when it ends (`--rm`).
    pub auto_remove: bool,
    /// What its monitor does when its command ends (`--restart`).
    #[serde(default)]
    pub restart: restart::Restart,
    /// The command as docker keeps it, in its two parts: the entrypoint, then the arguments
    /// (the process's arguments are both, one after the other).
    #[serde(default)]
    pub entrypoint: Vec<String>,
    #[serde(default)]
    pub cmd: Vec<String>,
    /// The signal `stop` sends first (`--stop-signal`, or the image's STOPSIGNAL); empty for
    /// SIGTERM.
    #[serde(default)]
    pub stop_signal: String,
    /// Whether its standard input stays open through its monitor, for `attach` (`-i`).
    #[serde(default)]
    pub open_stdin: bool,
    /// Where its output goes (`--log-driver`, `--log-opt`).
    #[serde(default)]
    pub log: logging::LogConfig,
}

/// The container's root filesystem (OCI `root`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Root {
    /// The directory, as given: relative paths are relative to where minidock runs (to the
    /// state root, for an overlay: see `Overlay::base`).
    pub path: PathBuf,
    /// For a container of an image: the layers stacked at `path` with overlayfs, and the
    /// container's own directories for what it changes. `None` for a root filesystem directory,
    /// which the container uses as it is.
    pub overlay: Option<Overlay>,
}

/// An overlay mount: read-only layers below, one writable directory on top.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Overlay {
    /// The image's layers, the topmost first, as overlayfs's `lowerdir` lists them.
    pub lower: Vec<PathBuf>,
    /// Where the container's changes go.
    pub upper: PathBuf,
    /// overlayfs's scratch directory, on the same filesystem as `upper`.
    pub work: PathBuf,
    /// The state root. `lower`, `upper`, `work` and the root's `path` are relative to it, and
    /// the container's process changes into it before it mounts the overlay: a mount's options
    /// must fit in one page, 4096 bytes, and the full paths of an image's 120 layers would not.
    pub base: PathBuf,
}

/// How a container of an image gets its root filesystem (docker's `--storage-driver`).
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Default)]
pub enum StorageDriver {
    /// The image's layers stacked by overlayfs under a directory of the container's own.
    #[default]
    Overlay,
    /// A full copy of the image's layers, one per container: a plain directory.
    Vfs,
}

impl StorageDriver {
    /// Its name, as `--storage-driver` and `info` spell it.
    pub fn name(self) -> &'static str {
        match self {
            StorageDriver::Overlay => "overlay",
            StorageDriver::Vfs => "vfs",
        }
    }
}

/// The root filesystem of a container of an image, as its storage driver makes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Storage {
    pub driver: StorageDriver,
    /// The image's layers, the bottom one first, as the image's config lists them: short
    /// paths, relative to `base`.
    pub layers: Vec<PathBuf>,
    /// The state root.
    pub base: PathBuf,
    /// The id of the image the layers are of, recorded with the container: an image in use is
    /// not removed.
    pub image: String,
}

/// The container's command (OCI `process`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Process {
    /// The command and its arguments; `args[0]` is the command as written.
    pub args: Vec<CString>,
    /// The command's whole environment (`KEY=VALUE`).
    pub env: Vec<CString>,
    /// The working directory, absolute, inside the container.
    pub cwd: PathBuf,
    /// The search path used to find the command, from `env`.
    pub path: String,
    /// Whether the command gets a terminal of its own (`-t`).
    #[serde(default)]
    pub terminal: bool,
    /// Its terminal's size when it starts: the caller's, if the caller has a terminal.
    #[serde(default)]
    pub console_size: Option<ConsoleSize>,
}

/// A terminal's size (OCI `process.consoleSize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleSize {
    pub height: u16,
    pub width: u16,
}

impl ConsoleSize {
    /// The size of the terminal minidock runs on, if it runs on one.
    pub fn of_caller() -> Option<ConsoleSize> {
        use std::os::fd::AsFd;
        let size = crate::sys::window_size(std::io::stdin().as_fd())
            .or_else(|| crate::sys::window_size(std::io::stdout().as_fd()))?;
        (size.rows > 0 && size.cols > 0).then_some(ConsoleSize {
            height: size.rows,
            width: size.cols,
        })
    }
}

/// What only Linux has (OCI `linux`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linux {
    /// The limits the container's cgroup enforces.
    pub resources: Resources,
    /// Where its cgroup is made: absolute, or relative to minidock's own cgroup.
    pub cgroups_path: String,
}

/// Whether IMAGE is written as a path (`/...`, `./...`, `../...`): a root filesystem directory,
/// as podman's `--rootfs` takes it, rather than the name of an image.
pub fn is_path(image: &str) -> bool {
    image.starts_with('/') || image.starts_with("./") || image.starts_with("../")
}

/// IMAGE written as a path must be an existing directory; anything else is an image reference,
/// which this runtime does not know yet.
pub fn root(image: &str) -> Result<Root> {
    if !is_path(image) {
        return Err(Error::NotAPath(image.to_string()));
    }
    let path = Path::new(image);
    let bad = |reason: String| Error::BadImage {
        path: path.to_path_buf(),
        reason,
    };
    match std::fs::metadata(path) {
        // The host's own `/`, however it is written (`/`, `/.`, `/etc/..`, a link to it): a
        // container there would be no container at all, and what it did would be done to the
        // host.
        Ok(_) if std::fs::canonicalize(path).is_ok_and(|p| p == Path::new("/")) => Err(bad(
            "the host's own root directory cannot be a container's root".into(),
        )),
        Ok(meta) if meta.is_dir() => Ok(Root {
            path: path.to_path_buf(),
            overlay: None,
        }),
        Ok(_) => Err(bad("not a directory".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(bad("no such directory".into())),
        Err(e) => Err(bad(e.to_string().to_lowercase())),
    }
}

impl Process {
    /// The command `args`, run in `cwd` (`/` if none) with the environment docker would give it
    /// (see [`environment`]).
    pub fn new(args: &[String], cwd: Option<&str>, env: Vec<(String, String)>) -> Result<Process> {
        if args.is_empty() {
            return Err(Error::NoCommand);
        }
        let cwd = match cwd {
            Some(dir) if !dir.starts_with('/') => return Err(Error::RelativeWorkdir(dir.into())),
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from("/"),
        };
        let path = env
            .iter()
            .find(|(key, _)| key == "PATH")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        Ok(Process {
            args: args
                .iter()
                .map(|arg| cstring("the command", arg))
                .collect::<Result<_>>()?,
            env: env
                .iter()
                .map(|(key, value)| cstring("an environment variable", &format!("{key}={value}")))
                .collect::<Result<_>>()?,
            cwd,
            path,
            terminal: false,
            console_size: None,
        })
    }
}

/// The host name: `name` if given and valid, else the first 12 digits of the container's id, as
/// docker does.
pub fn hostname(name: Option<&str>, id: &str) -> Result<String> {
    let Some(name) = name else {
        return Ok(id[..id.len().min(12)].to_string());
    };
    // sethostname(2) takes at most 64 bytes (HOST_NAME_MAX).
    let ok = !name.is_empty() && name.len() <= 64 && !name.contains(['/', '\0']);
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::BadHostname(name.to_string()))
    }
}

/// A new container id: 64 random hex digits, as docker's (shown as their first 12).
pub fn new_id() -> Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(Error::Random)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A cgroup parent: names separated by `/`, absolute or relative, never climbing up.
pub fn cgroups_path(parent: &str) -> Result<String> {
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

/// The command's environment, built as docker builds it: nothing from minidock's own environment
/// but what `-e` asks for. `PATH` and `HOSTNAME` first, then the `-e` variables in order, then
/// `HOME`; a `-e` variable replaces a default of the same name.
pub fn environment(
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
    fn ids_are_random_hex_digits() {
        let id = new_id().unwrap();
        // 12 of them until chapter 6, 64 from then on.
        assert!(id.len() == 12 || id.len() == 64);
        assert_ne!(id, new_id().unwrap());
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase()));
    }

    #[test]
    fn images_must_be_written_as_paths() {
        assert!(matches!(root("busybox"), Err(Error::NotAPath(_))));
        assert!(matches!(
            root("/no/such/dir/anywhere"),
            Err(Error::BadImage { .. })
        ));
        assert!(root("/tmp").is_ok());
        for host in ["/", "/.", "//", "/tmp/.."] {
            assert!(matches!(root(host), Err(Error::BadImage { .. })), "{host}");
        }
    }

    #[test]
    fn host_names_are_checked() {
        assert_eq!(hostname(Some("web-1"), "0123").unwrap(), "web-1");
        assert_eq!(hostname(None, "0123").unwrap(), "0123");
        assert!(hostname(Some(""), "0123").is_err());
        assert!(hostname(Some(&"x".repeat(65)), "0123").is_err());
    }
}
