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
    // TODO(chapter 6): Detach the monitor
    //   (the book: chapter 6, "Detach the monitor")
    // Start the monitor: fork, and in the child leave the caller's session, let go of its
    // standard input and output, put `to_caller` at fd `REPORT_FD` and execute `exe` with
    // `argv` and `env`; in the parent, read the report (`read_report`) from `from_monitor`:
    // see "Detach the monitor". Until then no monitor starts, and no container with it.
    let _ = (&exe, &argv, &env, to_caller);
    read_report(from_monitor)
}
