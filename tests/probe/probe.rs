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
//! probe cat PATH        the file's contents
//! probe crash KIND      dies of a fault the kernel signals: segv (SIGSEGV) or bus (SIGBUS)
//! probe hold            reads stdin until it closes, then exits (keeps a namespace alive)
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
        "exists" => {
            let there = std::fs::symlink_metadata(arg(1)).is_ok();
            out = if there { "yes\n" } else { "no\n" }.to_string();
        }
        "cat" => {
            out = std::fs::read_to_string(arg(1))
                .unwrap_or_else(|e| fail(&format!("cat {}: {e}", arg(1))))
        }
        "crash" => crash(arg(1)),
        "hold" => {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        }
        other => fail(&format!("unknown subcommand {other:?}")),
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
}
