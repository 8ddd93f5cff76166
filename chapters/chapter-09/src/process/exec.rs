//! Starting the command: find it, then let it replace the container's first process (or, with
//! `--init`, the init's child).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sys::signal::SigSet;

use crate::config::Process;
use crate::process::exit;
use crate::process::handshake::{ContainerEnd, ExecFailure, ToMinidock};
use crate::sys;

/// Why the command did not start.
#[derive(Debug, thiserror::Error)]
#[error("exec {command:?}: {detail}")]
pub struct Error {
    pub command: String,
    pub reason: ExecFailure,
    pub detail: String,
}

/// Executes the container's command, with what it inherits cleaned up first: its signals and
/// descriptors. Returns only if that failed, after telling minidock why; the value is the exit
/// status.
pub fn start(process: &Process, channel: &ContainerEnd) -> isize {
    let failure = match prepare() {
        Ok(()) => {
            let err = exec(&process.args, &process.env, &process.path);
            ToMinidock::ExecFailed {
                reason: err.reason,
                detail: err.to_string(),
            }
        }
        Err(err) => ToMinidock::SetupFailed {
            detail: err.to_string(),
        },
    };
    let _ = channel.send(&failure);
    exit::FAILED.into()
}

fn prepare() -> sys::Result<()> {
    // What a program expects to start with: every signal at its default action, none blocked.
    // Both survive execve(2): a command that inherited minidock's mask would never see a
    // SIGTERM. The actions first: a signal already pending, say one the init passed on before
    // this exec, then meets its default action when the mask lets it through, not an inherited
    // "ignore" that would drop it.
    sys::default_signal_actions()?;
    sys::set_signal_mask(&SigSet::empty())?;
    // Descriptors minidock inherited from whoever started it are none of the command's business.
    sys::close_range_on_exec(3)
}

/// Finds `command` and executes it with `argv` and `env`; returns only if that failed.
///
/// A command with a `/` is used as written; a bare name is looked up in the container's own
/// `PATH` (`search_path`), inside its root filesystem, as docker does. minidock's `PATH` plays no
/// part: it describes the host.
pub fn exec(argv: &[CString], env: &[CString], search_path: &str) -> Error {
    let command = argv[0].to_string_lossy().into_owned();
    let program = match resolve(&command, search_path) {
        Some(program) => program,
        None => {
            return Error {
                command,
                reason: ExecFailure::NotFound,
                detail: "executable file not found in $PATH".into(),
            }
        }
    };
    let Ok(program_c) = CString::new(program.as_os_str().as_bytes()) else {
        unreachable!("argv entries are NUL-free C strings");
    };
    let Err(err) = sys::execve(&program_c, argv, env);
    Error {
        command,
        reason: err.errno().map_or(ExecFailure::NotExecutable, classify),
        detail: err.errno().map_or_else(|| err.to_string(), sys::describe),
    }
}

/// docker's classes: a missing file is "not found" (127), anything else "cannot execute" (126).
fn classify(errno: Errno) -> ExecFailure {
    match errno {
        Errno::ENOENT | Errno::ENOTDIR => ExecFailure::NotFound,
        _ => ExecFailure::NotExecutable,
    }
}

/// The file to execute for `command`: itself if it contains a `/`, otherwise the first executable
/// regular file of that name in the directories of `search_path`.
pub fn resolve(command: &str, search_path: &str) -> Option<PathBuf> {
    if command.contains('/') {
        return Some(PathBuf::from(command));
    }
    if command.is_empty() {
        return None;
    }
    search_path
        .split(':')
        // An empty entry means the current directory, as in a shell.
        .map(|dir| if dir.is_empty() { "." } else { dir })
        .map(|dir| Path::new(dir).join(command))
        .find(|candidate| is_executable_file(candidate))
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("minidock-exec-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The unit tests of the stretch exercise "Find the command": ignored, as its other tests.
    mod stretch {
        use super::*;

        #[test]
        #[ignore = "a stretch exercise: cargo test -p chapter-01 -- --ignored stretch"]
        fn paths_with_a_slash_are_used_as_written() {
            assert_eq!(resolve("./x", ""), Some(PathBuf::from("./x")));
            assert_eq!(resolve("/bin/sh", ""), Some(PathBuf::from("/bin/sh")));
        }

        #[test]
        #[ignore = "a stretch exercise: cargo test -p chapter-01 -- --ignored stretch"]
        fn bare_names_are_searched_in_order_and_must_be_executable() {
            let dir = scratch("search");
            let (a, b) = (dir.join("a"), dir.join("b"));
            fs::create_dir_all(&a).unwrap();
            fs::create_dir_all(&b).unwrap();
            fs::write(a.join("tool"), "not executable").unwrap();
            fs::write(b.join("tool"), "#!/bin/sh\n").unwrap();
            fs::set_permissions(b.join("tool"), fs::Permissions::from_mode(0o755)).unwrap();
            let path = format!("{}:{}", a.display(), b.display());
            assert_eq!(resolve("tool", &path), Some(b.join("tool")));
            assert_eq!(resolve("missing", &path), None);
            fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn errors_are_classified_like_docker() {
        assert_eq!(classify(Errno::ENOENT), ExecFailure::NotFound);
        assert_eq!(classify(Errno::EACCES), ExecFailure::NotExecutable);
        assert_eq!(classify(Errno::ENOEXEC), ExecFailure::NotExecutable);
    }
}
