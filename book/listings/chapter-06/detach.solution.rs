/// Starts the monitor of the container `id`, recorded in the store under `root`, and waits for
/// its report.
pub fn detach(root: &Path, id: &str) -> sys::Result<Report> {
    // Everything the child needs is made before the fork: after it, the child only makes calls.
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let exe = CString::new("/proc/self/exe").expect("no NUL");
    let argv = [
        CString::new(NAME).expect("no NUL"),
        CString::new(id).expect("an id has no NUL"),
    ];
    let mut env: Vec<CString> = std::env::vars_os()
        .filter(|(key, _)| {
            ![
                "MINIDOCK_ROOT",
                "MINIDOCK_EXPLAIN",
                "MINIDOCK_EXPLAIN_CLOCK",
            ]
            .contains(&key.to_str().unwrap_or(""))
        })
        .filter_map(|(key, value)| {
            let mut pair = key.as_bytes().to_vec();
            pair.push(b'=');
            pair.extend_from_slice(value.as_bytes());
            CString::new(pair).ok()
        })
        .collect();
    env.push(
        CString::new([b"MINIDOCK_ROOT=", root.as_os_str().as_bytes()].concat())
            .expect("a path has no NUL"),
    );
    if sys::explaining() {
        env.push(CString::new("MINIDOCK_EXPLAIN=1").expect("no NUL"));
    }
    if let Some(start) = sys::explain_clock_start() {
        env.push(CString::new(format!("MINIDOCK_EXPLAIN_CLOCK={start}")).expect("no NUL"));
    }
    let (from_monitor, to_caller) = sys::pipe()?;
    // SAFETY: minidock never starts a thread: it is single-threaded here.
    match unsafe { sys::fork()? } {
        None => {
            // The child: a session of its own (it is no process group leader, being a new
            // process), the caller's input and output let go of, the report pipe at fd 3, and
            // minidock again, as the monitor. Nothing here may return to the caller's code.
            let _ = sys::setsid();
            if let Ok(null) = sys::open("/dev/null", OFlag::O_RDWR) {
                let _ = sys::dup2(&null, 0);
                let _ = sys::dup2(&null, 1);
            }
            let _ = sys::dup2(&to_caller, REPORT_FD);
            let _ = sys::execve(&exe, &argv, &env);
            // SAFETY: _exit(2) ends the child at once, running none of the caller's cleanup.
            unsafe { libc::_exit(exit::FAILED.into()) }
        }
        Some(_monitor) => {
            // The caller keeps only the reading end: the report ends when the monitor closes
            // its end.
            drop(to_caller);
            read_report(from_monitor)
        }
    }
}
