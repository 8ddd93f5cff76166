//! `exec -u USER[:GROUP]`: the user the command runs as, by number or by the name the
//! container's own /etc/passwd and /etc/group give it (read after entering the container's mount
//! namespace: the host's files describe the host's users).

use nix::unistd::{Gid, Uid};

use crate::sys;

/// Becomes the user `spec` names (`NAME|UID[:GROUP|GID]`), in the container.
pub fn switch(spec: &str) -> Result<(), String> {
    let (name, group) = match spec.split_once(':') {
        Some((name, group)) => (name, Some(group)),
        None => (spec, None),
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let (uid, primary) = match name.parse::<u32>() {
        Ok(uid) => {
            let primary = entry(&passwd, |fields| fields[2] == name).map_or(0, |f| number(f[3]));
            (uid, primary)
        }
        Err(_) => {
            let fields = entry(&passwd, |fields| fields[0] == name).ok_or_else(|| {
                format!("unable to find user {name}: no matching entries in passwd file")
            })?;
            (number(fields[2]), number(fields[3]))
        }
    };
    let gid = match group {
        None => primary,
        Some(group) => match group.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => {
                let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
                entry(&groups, |fields| fields[0] == group)
                    .map(|f| number(f[2]))
                    .ok_or_else(|| {
                        format!("unable to find group {group}: no matching entries in group file")
                    })?
            }
        },
    };
    // The groups first, then the group, then the user: once it is no longer root, a process
    // may change neither of the others.
    let switched = sys::setgroups(&[])
        .and_then(|()| sys::setgid(Gid::from_raw(gid)))
        .and_then(|()| sys::setuid(Uid::from_raw(uid)));
    switched.map_err(|err| err.to_string())
}

/// The first line of a colon-separated file whose fields `matches`.
fn entry(file: &str, matches: impl Fn(&[&str]) -> bool) -> Option<Vec<&str>> {
    file.lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.len() >= 4 && matches(fields))
}

fn number(field: &str) -> u32 {
    field.parse().unwrap_or(0)
}
