//! minidock: a small container runtime, written chapter by chapter in the workshop.
//!
//! This file only wires the parts together: parse the command line, run the command, and turn the
//! outcome into an exit status. The rest is one folder per concept, in layers: each uses only
//! what is below it, never what is above.
//!
//! ```text
//!   main         parse, execute, print the error, exit
//!    │
//!   cli          the command line: clap's structs, nothing else
//!   commands     one file per command (`run`): options → config, then the container's phases
//!    │
//!   monitor      a detached container's parent, once `run -d` has returned: minidock again
//!   exec         one more process in a running container, entered with setns(2)
//!    │
//!   container    the container from outside: prepare, spawn, set up, release, wait, clean up
//!    │
//!   process      the container's first process, --init, exec, the handshake, signals, exit
//!    │           statuses
//!    │
//!   network      the container's network: its sandbox, endpoint, bridge, addresses, resolver
//!    │           files
//!   namespaces   rootfs   cgroups            what the kernel isolates and limits, one each
//!   terminal     pseudo-terminals, raw mode, the detach keys
//!    │
//!   config       what a container is made of, shaped after the OCI runtime spec
//!    │
//!   sys          the narrating wrappers of the system calls: uses nothing of minidock's
//! ```

mod cgroups;
mod cli;
mod commands;
mod config;
mod container;
mod exec;
mod image;
mod monitor;
mod namespaces;
mod network;
mod process;
mod rootfs;
mod sys;
mod terminal;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::Cli;

fn main() -> ExitCode {
    // A container's monitor is minidock too, executed again by `run -d` under another name.
    if monitor::is_monitor() {
        return ExitCode::from(monitor::main());
    }
    let started = std::time::Instant::now();
    let program = program_name();
    let parsed = Cli::command()
        .bin_name(program.clone())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => return ExitCode::from(usage_error(err, &program)),
    };
    sys::set_explain(cli.explain);
    if std::env::var_os("MINIDOCK_EXPLAIN_CLOCK").is_some() {
        sys::set_explain_clock(started);
    }
    if let Some(bip) = &cli.bip {
        if let Err(err) = network::pool::ask_for_subnet(bip) {
            sys::tell(&err);
            return ExitCode::from(process::exit::FAILED);
        }
    }
    if let Some(driver) = cli.firewall_driver {
        let driver = match driver {
            cli::FirewallDriver::Nftables => network::firewall::Driver::Nftables,
            cli::FirewallDriver::Iptables => network::firewall::Driver::Iptables,
        };
        network::firewall::choose(driver);
        // A container's monitor, started from this process, writes its rules too: it is told
        // the same way the environment would have told it.
        std::env::set_var("MINIDOCK_FIREWALL_DRIVER", driver.name());
    }
    match commands::execute(&cli.command, &cli.root, cli.storage_driver) {
        Ok(status) => ExitCode::from(status),
        Err(err) => {
            let status = err.exit_status();
            sys::tell(&sys::chain(&err));
            ExitCode::from(status)
        }
    }
}

/// The name minidock was started as (`minidock`, `minidock-01`...), for help and usage lines.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "minidock".into())
}

/// Prints a command-line error the way docker does, as one line and a pointer to `--help`, and
/// returns docker's status for it. `--help` and `--version` are not errors: they print and exit 0.
fn usage_error(err: clap::Error, program: &str) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return 0;
    }
    // clap's message is its first line plus any indented lines after it (what was missing).
    let rendered = err.render().to_string();
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_string();
    for detail in lines.take_while(|l| l.starts_with(' ')) {
        message = format!("{} {}", message.trim_end_matches(':'), detail.trim());
    }
    // Point at the help of the subcommand the mistake was made in, as docker does.
    let in_run = std::env::args().skip(1).any(|arg| arg == "run");
    let help = if in_run {
        format!("{program} run --help")
    } else {
        format!("{program} --help")
    };
    sys::tell(&format!("{message}\nSee '{help}'."));
    process::exit::FAILED
}
