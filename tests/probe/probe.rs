//! The probe: a tiny static program that runs inside containers and reports what it sees.
//!
//! The harness builds it with plain `rustc` (no cargo, no crates) as a static executable, so it
//! runs in any root filesystem, with or without a libc. Each subcommand prints one fact, one
//! value per line, and nothing else, so tests can compare output exactly:
//!
//! ```text
//! probe hostname        the host name, from uname(2)
//! probe pid             its own process id
//! probe cwd             its working directory
//! probe env             its environment, one KEY=VALUE per line
//! probe exists PATH     "yes" or "no"
//! probe xattr PATH NAME the value of the extended attribute NAME of PATH (not following a
//!                       link), in hex, or "none"
//! probe cat PATH        the file's contents
//! probe crash KIND      dies of a fault the kernel signals: segv (SIGSEGV) or bus (SIGBUS)
//! probe hold            reads stdin until it closes, then exits (keeps a namespace alive)
//! probe session         its session id, process group id and pid, as `SID PGID PID`
//! probe kill PID SIG    sends signal number SIG to PID: "ok", or the error's name (ESRCH...)
//! probe trap SIG CODE   prints "ready", waits for signal number SIG, then exits with CODE
//! probe orphan          leaves a child behind that ends as an orphan; prints "orphaned PID"
//!                       once it has ended, then "ready", and waits for stdin to close
//! probe orphans N      leaves N children behind, orphans that wait; prints "orphaned N" and
//!                       "ready"; when stdin closes, ends them all at the same moment, prints
//!                       "ended", and waits for SIGTERM (exits 0 then)
//! probe msgget KEY MODE a System V message queue: MODE "create" makes it and prints
//!                       "created", "find" prints "found" or the error's name (ENOENT)
//! probe pids            the numeric entries of /proc, sorted, on one line
//! probe devices         the device files of /dev, one per line: `c MAJOR:MINOR MODE NAME`
//!                       (b for block devices), sorted by name
//! probe write PATH      creates PATH and writes to it: "ok", or the error's name (EROFS...)
//! probe forks N        tries to start N children that wait forever; prints "started S
//!                       failed F", then "ready", and waits for stdin to close
//! probe sees           what a container sees of itself: pid, host name, mounts, cgroups and
//!                       the memory limit, a few lines (to compare runtimes)
//! probe hog MB          allocates MB mebibytes and writes to every page, then prints
//!                       "survived" (unless the kernel kills it first)
//! probe spin MS         prints "ready", keeps a CPU busy for MS milliseconds of wall time,
//!                       prints "done", then waits for stdin to close
//! probe net             its network: one line per interface, `NAME up|down MTU MAC ADDRESS/PREFIX`
//!                       (`-` for no IPv4 address), sorted by name, then one per route of the
//!                       main table, `route DESTINATION/PREFIX GATEWAY DEVICE`
//! probe serve PORT TEXT [N]  listens on TCP PORT of every address, prints "listening", answers
//!                       one connection (or N) with TEXT, and exits
//! probe peer PORT       listens on TCP PORT, prints "listening", answers one connection with
//!                       the address it came from, prints "peer ADDRESS", and exits
//! probe serve-udp PORT TEXT  on UDP PORT, prints "listening", answers one datagram with TEXT
//! probe sink PORT       listens on TCP PORT, prints "listening", reads one connection to its
//!                       end, prints "got BYTES", and exits (closing the connection)
//! probe ask-udp IP PORT sends a datagram to IP:PORT and prints the answer, or "timeout"
//! probe connect IP PORT connects to IP:PORT over TCP (2 s at most) and prints what it reads, or
//!                       "refused", "unreachable", "timeout" or the error
//! probe escape PATH     tries the classic way out of a chroot (chroot into a subdirectory,
//!                       climb with `cd ..`, chroot to where it ends), then says whether PATH
//!                       exists from there: "yes" or "no"
//! ```

use std::io::{Read, Write};
use std::process::exit;

#[repr(C)]
struct Utsname {
    sysname: [u8; 65],
    nodename: [u8; 65],
    release: [u8; 65],
    version: [u8; 65],
    machine: [u8; 65],
    domainname: [u8; 65],
}

extern "C" {
    fn uname(buf: *mut Utsname) -> i32;
    fn getpid() -> i32;
    fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    fn memfd_create(name: *const u8, flags: u32) -> i32;
    fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
    fn getsid(pid: i32) -> i32;
    fn getpgid(pid: i32) -> i32;
    fn kill(pid: i32, sig: i32) -> i32;
    fn signal(sig: i32, handler: extern "C" fn(i32)) -> usize;
    fn pause() -> i32;
    fn fork() -> i32;
    fn pipe(fds: *mut i32) -> i32;
    fn close(fd: i32) -> i32;
    fn read(fd: i32, buf: *mut u8, len: usize) -> isize;
    fn write(fd: i32, buf: *const u8, len: usize) -> isize;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
    fn usleep(usec: u32) -> i32;
    fn _exit(code: i32) -> !;
    fn msgget(key: i32, flags: i32) -> i32;
    fn chroot(path: *const u8) -> i32;
    fn socket(domain: i32, kind: i32, protocol: i32) -> i32;
    fn ioctl(fd: i32, request: u64, arg: *mut u8) -> i32;
    fn lgetxattr(path: *const u8, name: *const u8, value: *mut u8, size: usize) -> isize;
}

const IPC_CREAT: i32 = 0o1000;
const IPC_EXCL: i32 = 0o2000;

/// The exit status `probe trap` ends with, set before its handler is installed.
static TRAP_CODE: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn on_trapped_signal(_: i32) {
    // SAFETY: _exit(2) is async-signal-safe.
    unsafe { _exit(TRAP_CODE.load(std::sync::atomic::Ordering::Relaxed)) }
}

/// The name of the last error number, for the few a probe reports.
fn errno_name() -> String {
    errno_text(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

fn errno_text(errno: i32) -> String {
    match errno {
        1 => "EPERM".into(),
        2 => "ENOENT".into(),
        3 => "ESRCH".into(),
        13 => "EACCES".into(),
        17 => "EEXIST".into(),
        20 => "ENOTDIR".into(),
        21 => "EISDIR".into(),
        22 => "EINVAL".into(),
        28 => "ENOSPC".into(),
        30 => "EROFS".into(),
        n => format!("errno {n}"),
    }
}

fn number(text: &str) -> i32 {
    text.parse()
        .unwrap_or_else(|_| fail(&format!("not a number: {text:?}")))
}

/// The major and minor numbers of a device number, as the kernel splits them.
fn major_minor(rdev: u64) -> (u64, u64) {
    let major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & !0xfff);
    let minor = (rdev & 0xff) | ((rdev >> 12) & !0xff);
    (major, minor)
}

fn devices() -> String {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    let mut lines = Vec::new();
    for entry in std::fs::read_dir("/dev").into_iter().flatten().flatten() {
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let kind = meta.file_type();
        let letter = if kind.is_char_device() {
            "c"
        } else if kind.is_block_device() {
            "b"
        } else {
            continue;
        };
        let (major, minor) = major_minor(meta.rdev());
        lines.push(format!(
            "{letter} {major}:{minor} {:04o} {}",
            meta.permissions().mode() & 0o7777,
            entry.file_name().to_string_lossy()
        ));
    }
    lines.sort_by(|a, b| a.rsplit(' ').next().cmp(&b.rsplit(' ').next()));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The classic chroot escape. A chroot only changes where `/` points; a process whose working
/// directory lies outside its root can climb from there. Root can always make that happen:
/// chroot into a subdirectory while staying where it is, then `..` leads up and out.
fn escape(path: &str) -> String {
    let dir = format!("/tmp/probe-escape-{}", unsafe { getpid() });
    if std::fs::create_dir_all(&dir).is_err() {
        fail("escape: cannot make a directory in /tmp");
    }
    let c_dir = format!("{dir}\0");
    // SAFETY: NUL-terminated paths.
    unsafe {
        if chroot(c_dir.as_ptr()) != 0 {
            fail(&format!("escape: chroot: {}", errno_name()));
        }
        for _ in 0..256 {
            let _ = std::env::set_current_dir("..");
        }
        if chroot(b".\0".as_ptr()) != 0 {
            fail(&format!("escape: chroot .: {}", errno_name()));
        }
    }
    let _ = std::env::set_current_dir("/");
    let there = std::fs::symlink_metadata(path).is_ok();
    if there { "yes\n" } else { "no\n" }.to_string()
}

/// Leaves an orphan behind: a child forks a grandchild and exits at once, so the grandchild is
/// re-parented (to pid 1 of its PID namespace), and then the grandchild exits. Returns the
/// orphan's pid once it has exited: the end of the pipe it held says so.
fn orphan() -> i32 {
    let mut fds = [0i32; 2];
    // SAFETY: pipe(2) fills the array we own.
    if unsafe { pipe(fds.as_mut_ptr()) } != 0 {
        fail("pipe failed");
    }
    // SAFETY: the probe is single-threaded; the children only make async-signal-safe calls.
    let child = unsafe { fork() };
    if child == 0 {
        unsafe {
            let grandchild = fork();
            if grandchild == 0 {
                // Outlive the child a little, so that this process really is an orphan when
                // it ends.
                usleep(50_000);
                _exit(0);
            }
            let bytes = grandchild.to_ne_bytes();
            write(fds[1], bytes.as_ptr(), bytes.len());
            _exit(0);
        }
    }
    // SAFETY: plain calls on descriptors and children of our own.
    unsafe {
        close(fds[1]);
        let mut status = 0;
        waitpid(child, &mut status, 0);
        let mut bytes = [0u8; 4];
        if read(fds[0], bytes.as_mut_ptr(), 4) != 4 {
            fail("the child did not say who the orphan is");
        }
        // End of file: the orphan, the last holder of the pipe, has exited.
        let mut rest = [0u8; 1];
        while read(fds[0], rest.as_mut_ptr(), 1) > 0 {}
        i32::from_ne_bytes(bytes)
    }
}

/// Leaves `n` orphans behind, each waiting to read the pipe whose write end is returned: they all
/// end at once when it is closed.
fn orphans(n: i32) -> i32 {
    let mut fds = [0i32; 2];
    // SAFETY: pipe(2) fills the array we own.
    if unsafe { pipe(fds.as_mut_ptr()) } != 0 {
        fail("pipe failed");
    }
    for _ in 0..n {
        // SAFETY: the probe is single-threaded; the children only make async-signal-safe calls.
        let child = unsafe { fork() };
        if child == 0 {
            unsafe {
                if fork() == 0 {
                    // The orphan: waits until the write end is closed everywhere.
                    close(fds[1]);
                    let mut byte = [0u8; 1];
                    while read(fds[0], byte.as_mut_ptr(), 1) > 0 {}
                    _exit(0);
                }
                _exit(0);
            }
        }
        let mut status = 0;
        // SAFETY: collects our own child; its child is the orphan.
        unsafe { waitpid(child, &mut status, 0) };
    }
    // SAFETY: closing our copy of the read end.
    unsafe { close(fds[0]) };
    fds[1]
}

const PR_SET_DUMPABLE: i32 = 4;

const PROT_READ: i32 = 1;
const MAP_SHARED: i32 = 1;

fn hostname() -> String {
    let mut buf = Utsname {
        sysname: [0; 65],
        nodename: [0; 65],
        release: [0; 65],
        version: [0; 65],
        machine: [0; 65],
        domainname: [0; 65],
    };
    // SAFETY: uname(2) fills the buffer we own.
    if unsafe { uname(&mut buf) } != 0 {
        fail("uname failed");
    }
    let end = buf.nodename.iter().position(|&b| b == 0).unwrap_or(65);
    String::from_utf8_lossy(&buf.nodename[..end]).into_owned()
}

fn crash(kind: &str) -> ! {
    // No core dump: hosts that collect them (apport, systemd-coredump) need not see these.
    // SAFETY: prctl(2) with PR_SET_DUMPABLE only changes a flag of this process.
    unsafe { prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) };
    match kind {
        "segv" => {
            // A write to an address that is never mapped: the kernel answers with SIGSEGV, which
            // it delivers even to a pid 1 that has no handler for it.
            let bad = 8 as *mut u8;
            // SAFETY: none; faulting is the point.
            unsafe { std::ptr::write_volatile(bad, 1) };
        }
        "bus" => {
            // Reading a page of a file mapping beyond the end of the file raises SIGBUS. The file
            // is an empty one in memory (memfd_create(2)): no writable directory is needed.
            // SAFETY: a NUL-terminated name, and no flags.
            let fd = unsafe { memfd_create(b"probe-bus\0".as_ptr(), 0) };
            if fd < 0 {
                fail("memfd_create failed");
            }
            // SAFETY: a fresh shared read-only mapping of our own empty file.
            let page = unsafe { mmap(std::ptr::null_mut(), 4096, PROT_READ, MAP_SHARED, fd, 0) };
            if page as isize == -1 {
                fail("mmap failed");
            }
            // SAFETY: none; faulting is the point.
            unsafe { std::ptr::read_volatile(page) };
        }
        _ => fail("crash: expected segv or bus"),
    }
    fail("still alive after the fault")
}

/// The interfaces of the probe's network namespace and its routes (see `probe net`).
fn net() -> String {
    // /proc/net/dev lists the interfaces of the reader's network namespace (unlike /sys/class/net,
    // which shows the namespace of whoever mounted /sys).
    let dev = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    let mut names: Vec<String> = dev
        .lines()
        .skip(2)
        .filter_map(|line| Some(line.split_once(':')?.0.trim().to_string()))
        .collect();
    names.sort();
    // SAFETY: a datagram socket, only used for the interface ioctls below.
    let fd = unsafe { socket(2, 2, 0) };
    if fd < 0 {
        fail("net: socket");
    }
    // struct ifreq: the name (16 bytes), then a union of 24.
    let ask = |name: &str, request: u64| -> Option<[u8; 40]> {
        let mut ifreq = [0u8; 40];
        ifreq[..name.len().min(15)].copy_from_slice(&name.as_bytes()[..name.len().min(15)]);
        // SAFETY: the buffer is a whole struct ifreq.
        (unsafe { ioctl(fd, request, ifreq.as_mut_ptr()) } == 0).then_some(ifreq)
    };
    let mut out = String::new();
    for name in &names {
        let flags = ask(name, 0x8913).map_or(0, |r| u16::from_ne_bytes([r[16], r[17]]));
        let mtu = ask(name, 0x8921).map_or(0, |r| i32::from_ne_bytes([r[16], r[17], r[18], r[19]]));
        let mac = ask(name, 0x8927).map_or(String::new(), |r| {
            r[18..24]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        });
        // sockaddr_in: family (2 bytes), port (2), the address (4).
        let address = ask(name, 0x8915).map(|r| [r[20], r[21], r[22], r[23]]);
        let mask = ask(name, 0x891b).map(|r| u32::from_be_bytes([r[20], r[21], r[22], r[23]]));
        let ipv4 = match (address, mask) {
            (Some([a, b, c, d]), Some(mask)) => format!("{a}.{b}.{c}.{d}/{}", mask.leading_ones()),
            _ => "-".to_string(),
        };
        let up = if flags & 1 != 0 { "up" } else { "down" };
        out += &format!("{name} {up} {mtu} {mac} {ipv4}\n");
    }
    let routes = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    for line in routes.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 8 {
            continue;
        }
        let hex = |i: usize| {
            u32::from_str_radix(fields[i], 16)
                .unwrap_or(0)
                .to_ne_bytes()
        };
        let dotted = |b: [u8; 4]| format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
        let prefix = u32::from_be_bytes(hex(7)).leading_ones();
        out += &format!(
            "route {}/{prefix} {} {}\n",
            dotted(hex(1)),
            dotted(hex(2)),
            fields[0]
        );
    }
    out
}

/// Prints at once: a test may be waiting for this line while the probe goes on running.
fn say(text: &str) {
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn hold() {
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

fn fail(message: &str) -> ! {
    eprintln!("probe: {message}");
    exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .unwrap_or_else(|| fail("missing argument"))
    };
    let mut out = String::new();
    match arg(0) {
        "hostname" => out = hostname() + "\n",
        // SAFETY: getpid(2) cannot fail.
        "pid" => out = format!("{}\n", unsafe { getpid() }),
        "cwd" => {
            // An unreachable working directory (outside the root) is an answer, not a failure.
            out = match std::env::current_dir() {
                Ok(cwd) => format!("{}\n", cwd.display()),
                Err(e) => format!("(unreachable: {e})\n"),
            };
        }
        "env" => {
            for (key, value) in std::env::vars_os() {
                out += &format!("{}={}\n", key.to_string_lossy(), value.to_string_lossy());
            }
        }
        "xattr" => {
            let (path, name) = (format!("{}\0", arg(1)), format!("{}\0", arg(2)));
            let mut value = [0u8; 4096];
            // SAFETY: NUL-terminated strings and a buffer of the given length.
            let n = unsafe {
                lgetxattr(
                    path.as_ptr(),
                    name.as_ptr(),
                    value.as_mut_ptr(),
                    value.len(),
                )
            };
            out = if n < 0 {
                "none\n".to_string()
            } else {
                value[..n as usize]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
                    + "\n"
            };
        }
        "exists" => {
            let there = std::fs::symlink_metadata(arg(1)).is_ok();
            out = if there { "yes\n" } else { "no\n" }.to_string();
        }
        "cat" => {
            out = std::fs::read_to_string(arg(1))
                .unwrap_or_else(|e| fail(&format!("cat {}: {e}", arg(1))))
        }
        "crash" => crash(arg(1)),
        "hold" => hold(),
        "session" => {
            // SAFETY: plain queries about this process.
            out = unsafe { format!("{} {} {}\n", getsid(0), getpgid(0), getpid()) };
        }
        "kill" => {
            // SAFETY: kill(2) sends a signal; nothing of ours is touched.
            let ret = unsafe { kill(number(arg(1)), number(arg(2))) };
            out = if ret == 0 { "ok".into() } else { errno_name() } + "\n";
        }
        "trap" => {
            TRAP_CODE.store(number(arg(2)), std::sync::atomic::Ordering::Relaxed);
            // SAFETY: the handler only calls _exit(2).
            unsafe { signal(number(arg(1)), on_trapped_signal) };
            say("ready\n");
            loop {
                // SAFETY: pause(2) waits for a signal.
                unsafe { pause() };
            }
        }
        "orphans" => {
            let n = number(arg(1));
            let write_end = orphans(n);
            say(&format!("orphaned {n}\nready\n"));
            hold();
            TRAP_CODE.store(0, std::sync::atomic::Ordering::Relaxed);
            // SAFETY: the handler only calls _exit(2); close(2) of our own descriptor.
            unsafe {
                signal(15, on_trapped_signal);
                close(write_end);
            }
            say("ended\n");
            loop {
                // SAFETY: pause(2) waits for a signal.
                unsafe { pause() };
            }
        }
        "orphan" => {
            say(&format!("orphaned {}\nready\n", orphan()));
            hold();
        }
        "pids" => {
            let mut pids: Vec<u64> = std::fs::read_dir("/proc")
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect();
            pids.sort_unstable();
            let words: Vec<String> = pids.iter().map(u64::to_string).collect();
            out = words.join(" ") + "\n";
        }
        "devices" => out = devices(),
        "write" => {
            out = match std::fs::write(arg(1), "written by the probe\n") {
                Ok(()) => "ok\n".into(),
                Err(e) => errno_text(e.raw_os_error().unwrap_or(0)) + "\n",
            }
        }
        "escape" => out = escape(arg(1)),
        "sees" => {
            // SAFETY: getpid(2) cannot fail.
            out = format!("pid {}\nhostname {}\n", unsafe { getpid() }, hostname());
            let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
            let mounts: Vec<String> = mountinfo
                .lines()
                .filter_map(|l| {
                    let point = l.split(' ').nth(4)?;
                    let kind = l.split(" - ").nth(1)?.split(' ').next()?;
                    Some(format!("{point}({kind})"))
                })
                .collect();
            out += &format!("mounts {}\n", mounts.join(" "));
            let cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
            out += &format!("cgroup {}\n", cgroup.trim().replace('\n', " "));
            for file in [
                "/sys/fs/cgroup/memory.max",
                "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            ] {
                if let Ok(limit) = std::fs::read_to_string(file) {
                    out += &format!("memory limit {}\n", limit.trim());
                }
            }
        }
        "forks" => {
            let (mut started, mut failed) = (0, 0);
            for _ in 0..number(arg(1)) {
                // SAFETY: the child only waits for signals.
                match unsafe { fork() } {
                    0 => loop {
                        // SAFETY: pause(2) waits for a signal.
                        unsafe { pause() };
                    },
                    -1 => failed += 1,
                    _ => started += 1,
                }
            }
            say(&format!("started {started} failed {failed}\nready\n"));
            hold();
        }
        "hog" => {
            let mebibytes = number(arg(1)) as usize;
            let mut kept: Vec<Vec<u8>> = Vec::new();
            for _ in 0..mebibytes {
                // Every page written, so the memory is really used, not just reserved.
                let chunk = vec![1u8; 1 << 20];
                kept.push(std::hint::black_box(chunk));
            }
            out = "survived\n".into();
        }
        "spin" => {
            let until =
                std::time::Instant::now() + std::time::Duration::from_millis(number(arg(1)) as u64);
            say("ready\n");
            let mut x = 0u64;
            while std::time::Instant::now() < until {
                for _ in 0..10_000 {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            }
            say("done\n");
            hold();
        }
        "net" => out = net(),
        "serve" => {
            let listener = std::net::TcpListener::bind(("0.0.0.0", number(arg(1)) as u16))
                .unwrap_or_else(|e| fail(&format!("serve: {e}")));
            say("listening\n");
            let count = args.get(3).map_or(1, |n| number(n));
            for _ in 0..count {
                if let Ok((mut stream, _)) = listener.accept() {
                    let _ = stream.write_all(arg(2).as_bytes());
                }
            }
        }
        "peer" => {
            let listener = std::net::TcpListener::bind(("0.0.0.0", number(arg(1)) as u16))
                .unwrap_or_else(|e| fail(&format!("peer: {e}")));
            say("listening\n");
            if let Ok((mut stream, peer)) = listener.accept() {
                let _ = stream.write_all(peer.ip().to_string().as_bytes());
                out = format!("peer {}\n", peer.ip());
            }
        }
        "sink" => {
            let listener = std::net::TcpListener::bind(("0.0.0.0", number(arg(1)) as u16))
                .unwrap_or_else(|e| fail(&format!("sink: {e}")));
            say("listening\n");
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = vec![0u8; 1 << 16];
                let mut total = 0u64;
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    total += n as u64;
                }
                out = format!("got {total}\n");
            }
        }
        "serve-udp" => {
            let socket = std::net::UdpSocket::bind(("0.0.0.0", number(arg(1)) as u16))
                .unwrap_or_else(|e| fail(&format!("serve-udp: {e}")));
            say("listening\n");
            let mut buf = [0u8; 512];
            if let Ok((_, from)) = socket.recv_from(&mut buf) {
                let _ = socket.send_to(arg(2).as_bytes(), from);
            }
        }
        "ask-udp" => {
            let socket = std::net::UdpSocket::bind(("0.0.0.0", 0))
                .unwrap_or_else(|e| fail(&format!("ask-udp: {e}")));
            let _ = socket.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let mut buf = [0u8; 512];
            out = "timeout\n".into();
            // A datagram may be lost: asked again, a few times.
            for _ in 0..6 {
                let _ = socket.send_to(b"?", format!("{}:{}", arg(1), arg(2)));
                if let Ok(n) = socket.recv(&mut buf) {
                    out = String::from_utf8_lossy(&buf[..n]).into_owned() + "\n";
                    break;
                }
            }
        }
        "connect" => {
            let address: std::net::SocketAddr = format!("{}:{}", arg(1), arg(2))
                .parse()
                .unwrap_or_else(|_| fail("connect: IP PORT"));
            let timeout = std::time::Duration::from_secs(2);
            out = match std::net::TcpStream::connect_timeout(&address, timeout) {
                Ok(mut stream) => {
                    let _ = stream.set_read_timeout(Some(timeout));
                    let mut text = String::new();
                    let _ = stream.read_to_string(&mut text);
                    text + "\n"
                }
                Err(e) => match e.raw_os_error() {
                    Some(111) => "refused\n".into(),
                    Some(101) | Some(113) => "unreachable\n".into(),
                    _ if e.kind() == std::io::ErrorKind::TimedOut => "timeout\n".into(),
                    _ => format!("{e}\n"),
                },
            };
        }
        "msgget" => {
            let key = number(arg(1));
            out = match arg(2) {
                // SAFETY: msgget(2) only creates or looks up a queue.
                "create" => match unsafe { msgget(key, IPC_CREAT | IPC_EXCL | 0o600) } {
                    -1 => fail(&format!("msgget create: {}", errno_name())),
                    _ => "created\n".into(),
                },
                "find" => match unsafe { msgget(key, 0) } {
                    -1 => errno_name() + "\n",
                    _ => "found\n".into(),
                },
                _ => fail("msgget: MODE is create or find"),
            };
        }
        other => fail(&format!("unknown subcommand {other:?}")),
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
}
