//! A container on more networks than its first: `network connect` and `disconnect`, and what
//! is given back when it ends.

use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::path::Path;

use super::endpoint::{Endpoint, Plug};
use super::{files, interface, ipam, store, veth, Alive, Attachment, Error, Result};
use crate::config::Config;
use crate::namespaces::net::NetNamespace;
use crate::sys::Netlink;
use ipam::Holder;

/// Gives back the leases of the container `id` held by `holder`, on every network, their pairs'
/// host ends set down at once (see `Endpoint`'s drop); and its macvlans in its namespace
/// `namespace`, set down too: until the kernel has torn the namespace down, one still up would
/// keep its hardware address on the parent, which the next container given the address needs.
pub(super) fn release_held(
    root: &Path,
    id: &str,
    holder: &Holder,
    namespace: Option<&NetNamespace>,
) {
    let Ok(mut host) = Netlink::open() else {
        return;
    };
    let mut inside = None;
    for network in store::all(root).unwrap_or_default() {
        let dir = store::dir(root, &network.name);
        let file = dir.join("leases.json");
        let mine = |lease: &ipam::Lease| lease.container == id && lease.holder == *holder;
        // Without the lock first: nearly always, there is nothing.
        if !ipam::read(&file).is_ok_and(|leases| leases.values().any(mine)) {
            continue;
        }
        let Ok(_locked) = store::lock(&dir) else {
            continue;
        };
        if let Ok(mut leases) = ipam::read(&file) {
            leases.retain(|_, lease| {
                if !mine(lease) {
                    return true;
                }
                match (&network.parent, namespace) {
                    (Some(_), Some(namespace)) => {
                        if inside.is_none() {
                            inside = NetNamespace::own().ok().and_then(|own| {
                                Netlink::open_in(
                                    namespace.as_fd(),
                                    &namespace.path,
                                    own.as_fd(),
                                    &own.path,
                                )
                                .ok()
                            });
                        }
                        if let Some(inside) = inside.as_mut() {
                            let _ = interface::set_down(inside, &lease.interface);
                        }
                    }
                    (Some(_), None) => {}
                    (None, _) => {
                        let _ = interface::set_down(&mut host, &lease.host_end());
                    }
                }
                false
            });
            let _ = ipam::write(&file, &leases);
        }
    }
}

/// `network connect`: plugs the running container of `config`, whose first process is `pid`
/// and whose holder is `holder`, into `network`, as the first free `ethN`, with the address
/// `wanted` if asked for. The endpoint is the holder's: it goes when the container ends.
pub fn connect(
    root: &Path,
    dir: &Path,
    config: &Config,
    network: &store::Network,
    wanted: Option<Ipv4Addr>,
    (pid, holder): (i32, Holder),
    alive: Alive,
) -> Result<Attachment> {
    let own = NetNamespace::own()?;
    let namespace = NetNamespace::of_process(pid)?;
    let mut inside = Netlink::open_in(namespace.as_fd(), &namespace.path, own.as_fd(), &own.path)?;
    let mut n = 1;
    while inside.link(&format!("eth{n}"))?.is_some() {
        n += 1;
    }
    // A host end's name has 15 bytes at most: room for one hex digit.
    if n > 15 {
        return Err(Error::Invalid(format!(
            "container {} is connected to 15 networks besides its first: no more",
            config.id
        )));
    }
    let plug = Plug {
        container: &config.id,
        dir,
        name: format!("eth{n}"),
        host_end: veth::connected_name(&config.id, n),
        route: false,
        holder,
        wanted,
    };
    let (endpoint, attachment) =
        Endpoint::plug(root, network, &plug, &namespace, &mut inside, alive)?;
    endpoint.keep();
    files::add_host(dir, &attachment.address, &config.hostname)?;
    Ok(attachment)
}

/// `network disconnect`: deletes the endpoint of the container `id`, whose first process is
/// `pid`, on `network` (its pair, and with it the interface inside; or its macvlan), gives its
/// address back and takes its name out of the container's /etc/hosts (in its state directory
/// `dir`). `false` if it had none there.
pub fn disconnect(
    root: &Path,
    dir: &Path,
    id: &str,
    pid: i32,
    network: &store::Network,
) -> Result<bool> {
    let network_dir = store::dir(root, &network.name);
    let _locked = store::lock(&network_dir)?;
    let file = network_dir.join("leases.json");
    let mut leases = ipam::read(&file)?;
    let Some((&address, lease)) = leases.iter().find(|(_, lease)| lease.container == id) else {
        return Ok(false);
    };
    if network.parent.is_some() {
        // A macvlan has no end on the host: it is deleted where it is, in the container.
        let own = NetNamespace::own()?;
        let namespace = NetNamespace::of_process(pid)?;
        let mut inside =
            Netlink::open_in(namespace.as_fd(), &namespace.path, own.as_fd(), &own.path)?;
        interface::delete(&mut inside, &lease.interface)?;
    } else {
        let mut host = Netlink::open()?;
        interface::delete(&mut host, &lease.host_end())?;
    }
    leases.remove(&address);
    ipam::write(&file, &leases)?;
    files::remove_host(dir, &address.to_string())?;
    Ok(true)
}
