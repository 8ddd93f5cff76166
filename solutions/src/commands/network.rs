// [ch09 file]
//! `minidock network create|ls|inspect|rm|prune|connect|disconnect`: the user's networks,
//! beside the three every host has (`bridge`, the default one; `host`; `none`), in docker's
//! words and shapes.

use std::path::Path;

use super::image_prune::confirm;
use super::images::print_table;
use super::template::{self, Template, Value};
use crate::cli::{
    NetworkCommand, NetworkConnectArgs, NetworkCreateArgs, NetworkDisconnectArgs,
    NetworkInspectArgs, NetworkLsArgs, NetworkPruneArgs, NetworkRmArgs,
};
use crate::config::network::{Connection, Mode};
use crate::container::{self, state};
use crate::network::store::{self, Network};
use crate::network::{self as net, pool, user};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Network(#[from] net::Error),
    #[error(transparent)]
    Template(#[from] template::Error),
    #[error(transparent)]
    State(#[from] state::Error),
}

pub fn network(command: &NetworkCommand, root: &Path) -> Result<u8, Error> {
    // Leases of killed containers go first: a network they were on is not in use.
    net::sweep(root, container::lease_holder_alive);
    match command {
        NetworkCommand::Create(args) => create(args, root),
        NetworkCommand::Ls(args) => ls(args, root),
        NetworkCommand::Inspect(args) => inspect(args, root),
        NetworkCommand::Rm(args) => Ok(rm(args, root)),
        NetworkCommand::Prune(args) => Ok(prune(args, root)),
        NetworkCommand::Connect(args) => connect(args, root),
        NetworkCommand::Disconnect(args) => disconnect(args, root),
    }
}

fn create(args: &NetworkCreateArgs, root: &Path) -> Result<u8, Error> {
    let network = user::create(
        root,
        &user::Request {
            name: &args.name,
            driver: &args.driver,
            subnet: args.subnet.as_deref(),
            gateway: args.gateway.as_deref(),
            ip_range: args.ip_range.as_deref(),
            options: &args.opt,
        },
        container::lease_holder_alive,
    )?;
    println!("{}", network.id);
    Ok(0)
}

/// A network as `ls` and `inspect` show it: the predefined ones have no record of their own
/// beside the default network's.
struct Shown {
    name: String,
    id: String,
    driver: &'static str,
    record: Option<Network>,
}

/// Every network, in the order of their names.
fn all(root: &Path) -> Result<Vec<Shown>, Error> {
    let mut shown = vec![default(root)?];
    for name in ["host", "none"] {
        shown.push(predefined(root, name)?);
    }
    for network in store::all(root)? {
        if network.name != store::DEFAULT {
            shown.push(Shown {
                name: network.name.clone(),
                id: network.id.clone(),
                driver: network.driver(),
                record: Some(network),
            });
        }
    }
    shown.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(shown)
}

fn default(root: &Path) -> Result<Shown, Error> {
    let network = pool::default_network(root, container::lease_holder_alive)?;
    Ok(Shown {
        name: network.name.clone(),
        id: network.id.clone(),
        driver: "bridge",
        record: Some(network),
    })
}

fn predefined(root: &Path, name: &str) -> Result<Shown, Error> {
    Ok(Shown {
        name: name.to_string(),
        id: user::predefined_id(root, name)?,
        driver: if name == "none" { "null" } else { "host" },
        record: None,
    })
}

/// The network `reference` names, as `inspect` finds it.
fn find(root: &Path, reference: &str) -> Result<Shown, Error> {
    match reference {
        "bridge" => default(root),
        "host" | "none" => predefined(root, reference),
        _ => {
            let network = store::find(root, reference)?;
            Ok(Shown {
                name: network.name.clone(),
                id: network.id.clone(),
                driver: network.driver(),
                record: Some(network),
            })
        }
    }
}

fn ls(args: &NetworkLsArgs, root: &Path) -> Result<u8, Error> {
    let networks = all(root)?;
    let id = |network: &Shown| match args.no_trunc {
        true => network.id.clone(),
        false => network.id[..12.min(network.id.len())].to_string(),
    };
    if args.quiet {
        for network in &networks {
            println!("{}", id(network));
        }
        return Ok(0);
    }
    let mut table = vec![["NETWORK ID", "NAME", "DRIVER", "SCOPE"].map(String::from)];
    for network in &networks {
        table.push([
            id(network),
            network.name.clone(),
            network.driver.to_string(),
            "local".to_string(),
        ]);
    }
    print_table(&table);
    Ok(0)
}

fn inspect(args: &NetworkInspectArgs, root: &Path) -> Result<u8, Error> {
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for reference in &args.networks {
        match find(root, reference) {
            Ok(network) => found.push(describe(root, &network)),
            Err(Error::Network(net::Error::NotFound(_))) => missing.push(reference),
            Err(err) => return Err(err),
        }
    }
    match template {
        Some(template) => {
            for object in &found {
                println!("{}", template.execute(object)?);
            }
        }
        None => println!("{}", Value::Array(found).pretty()),
    }
    for reference in &missing {
        crate::sys::tell(&format!("No such network: {reference}"));
    }
    Ok(if missing.is_empty() { 0 } else { 1 })
}

/// The network as docker's `network inspect` shows it, its fields in docker's order.
fn describe(root: &Path, network: &Shown) -> Value {
    let text = |s: &str| Value::String(s.to_string());
    let record = network.record.as_ref();
    let config: Vec<Value> = record
        .map(|record| {
            let mut fields = vec![("Subnet", text(&record.subnet.to_string()))];
            if let Some(range) = record.ip_range {
                fields.push(("IPRange", text(&range.to_string())));
            }
            fields.push(("Gateway", text(&record.gateway.to_string())));
            vec![Value::object(fields)]
        })
        .unwrap_or_default();
    let options = match record {
        Some(record) if record.name == store::DEFAULT => Value::object([
            ("com.docker.network.bridge.default_bridge", text("true")),
            ("com.docker.network.bridge.enable_icc", text("true")),
            (
                "com.docker.network.bridge.enable_ip_masquerade",
                text("true"),
            ),
            ("com.docker.network.bridge.name", text(&record.bridge)),
        ]),
        Some(Network {
            parent: Some(parent),
            ..
        }) => Value::object([("parent", text(parent))]),
        _ => Value::object([]),
    };
    Value::object([
        ("Name", text(&network.name)),
        ("Id", text(&network.id)),
        (
            "Created",
            text(record.map_or("", |record| record.created.as_str())),
        ),
        ("Scope", text("local")),
        ("Driver", text(network.driver)),
        ("EnableIPv6", Value::Bool(false)),
        (
            "IPAM",
            Value::object([
                ("Driver", text("default")),
                ("Options", Value::object([])),
                ("Config", Value::Array(config)),
            ]),
        ),
        ("Internal", Value::Bool(false)),
        ("Attachable", Value::Bool(false)),
        ("Ingress", Value::Bool(false)),
        ("ConfigFrom", Value::object([("Network", text(""))])),
        ("ConfigOnly", Value::Bool(false)),
        ("Containers", containers(root, &network.name)),
        ("Options", options),
        ("Labels", Value::object([])),
    ])
}

/// The running containers on the network `name`, by id, with their endpoints.
fn containers(root: &Path, name: &str) -> Value {
    let text = |s: &str| Value::String(s.to_string());
    let mut on = Vec::new();
    for container in state::list(root) {
        let state = &container.state;
        let attached = state
            .network
            .iter()
            .chain(&state.connected)
            .find(|attached| attached.network == name);
        let Some(attached) = attached.filter(|_| state.monitor.alive()) else {
            continue;
        };
        let address = match attached.address.as_str() {
            "" => String::new(),
            address => format!("{address}/{}", attached.prefix),
        };
        on.push((
            container.id().to_string(),
            Value::object([
                ("Name", text(container.name())),
                ("EndpointID", text(&attached.endpoint_id)),
                ("MacAddress", text(&attached.mac)),
                ("IPv4Address", text(&address)),
                ("IPv6Address", text("")),
            ]),
        ));
    }
    Value::Object(on)
}

/// Removes each network named: docker's messages for those that cannot be, the others' names
/// printed; 1 if any failed.
fn rm(args: &NetworkRmArgs, root: &Path) -> u8 {
    let mut status = 0;
    for reference in &args.networks {
        match user::remove(root, reference, container::lease_holder_alive) {
            Ok(_) => println!("{reference}"),
            Err(net::Error::NotFound(_)) => {
                crate::sys::tell(&format!("No such network: {reference}"));
                status = 1;
            }
            Err(err) => {
                crate::sys::tell(&crate::sys::chain(&err));
                status = 1;
            }
        }
    }
    status
}

/// Removes every user network no running container is on, after asking (unless `-f`).
fn prune(args: &NetworkPruneArgs, root: &Path) -> u8 {
    if !args.force && !confirm("all custom networks not used by at least one container") {
        return 0;
    }
    let mut deleted = Vec::new();
    for network in store::all(root).unwrap_or_default() {
        if user::PREDEFINED.contains(&network.name.as_str()) {
            continue;
        }
        // One in use is refused, and stays.
        if user::remove(root, &network.name, container::lease_holder_alive).is_ok() {
            deleted.push(network.name);
        }
    }
    if !deleted.is_empty() {
        println!("Deleted Networks:");
        for name in &deleted {
            println!("{name}");
        }
        println!();
    }
    0
}

/// The network `reference` names, for `connect` and `disconnect`: `none` and `host` are no
/// network a container can be connected to besides its own.
fn to_connect(root: &Path, reference: &str) -> Result<Network, Error> {
    let refused = |message: &str| Err(net::Error::Invalid(message.to_string()).into());
    match reference {
        "none" => refused(
            "container cannot be connected to multiple networks with one of the networks in \
             private (none) mode",
        ),
        "host" => refused(
            "container cannot be disconnected from host network or connected to host network",
        ),
        "bridge" => Ok(pool::default_network(root, container::lease_holder_alive)?),
        _ => store::find(root, reference).map_err(|err| match err {
            net::Error::NotFound(_) => {
                net::Error::Invalid(format!("No such network: {reference}")).into()
            }
            err => err.into(),
        }),
    }
}

/// `network connect [--ip IP] NETWORK CONTAINER`: a running container gets an interface on the
/// network at once, the next `ethN`; a stopped one when it starts. Either way its record keeps
/// the network, for every start after.
fn connect(args: &NetworkConnectArgs, root: &Path) -> Result<u8, Error> {
    let found = state::find(root, &args.container)?;
    let network = to_connect(root, &args.network)?;
    let config = &found.record.config;
    let invalid = |message: String| -> Error { net::Error::Invalid(message).into() };
    match &config.network.mode {
        Mode::None => {
            return Err(invalid(
                "container cannot be connected to multiple networks with one of the networks \
                 in private (none) mode"
                    .into(),
            ))
        }
        Mode::Host => {
            return Err(invalid(
                "container cannot be disconnected from host network or connected to host \
                 network"
                    .into(),
            ))
        }
        Mode::Container(_) => {
            return Err(invalid(
                "container sharing network namespace with another container or host cannot be \
                 connected to any other network"
                    .into(),
            ))
        }
        _ => {}
    }
    let first = config.network.mode.network().unwrap_or_default();
    let on = first == network.name
        || config
            .network
            .connected
            .iter()
            .any(|connection| connection.network == network.name);
    if on {
        return Err(invalid(format!(
            "endpoint with name {} already exists in network {}",
            found.name(),
            network.name
        )));
    }
    let ip = args
        .ip
        .as_deref()
        .map(|ip| {
            ip.parse()
                .map_err(|_| invalid(format!("invalid IPv4 address: {ip}")))
        })
        .transpose()?;
    let running = found.state.status.is_running() && found.state.pid.alive();
    if running {
        let holder = net::ipam::Holder {
            pid: found.state.monitor.pid,
            start: found.state.monitor.start,
        };
        let attachment = net::connect(
            root,
            &found.dir,
            config,
            &network,
            ip,
            (found.state.pid.pid, holder),
            container::lease_holder_alive,
        )?;
        state::update(&found.dir, |state| state.connected.push(attachment))?;
    }
    state::update_config(&found.dir, |config| {
        config.network.connected.push(Connection {
            network: network.name.clone(),
            ip,
        })
    })?;
    Ok(0)
}

/// `network disconnect NETWORK CONTAINER`: the container's interface on a network it was
/// connected to goes, with its address, and the record forgets the network.
fn disconnect(args: &NetworkDisconnectArgs, root: &Path) -> Result<u8, Error> {
    let found = state::find(root, &args.container)?;
    let network = to_connect(root, &args.network)?;
    let config = &found.record.config;
    let invalid = |message: String| -> Error { net::Error::Invalid(message).into() };
    if config.network.mode.network() == Some(network.name.as_str()) {
        return Err(invalid(format!(
            "container {} is on network {} from its start: minidock keeps a container on its \
             first network (docker can take it off)",
            found.id(),
            network.name
        )));
    }
    if !config
        .network
        .connected
        .iter()
        .any(|connection| connection.network == network.name)
    {
        return Err(invalid(format!(
            "container {} is not connected to network {}",
            found.id(),
            network.name
        )));
    }
    let pid = found.state.pid.pid;
    if net::disconnect(root, &found.dir, found.id(), pid, &network)? {
        state::update(&found.dir, |state| {
            state
                .connected
                .retain(|attached| attached.network != network.name)
        })?;
    }
    state::update_config(&found.dir, |config| {
        config
            .network
            .connected
            .retain(|connection| connection.network != network.name)
    })?;
    Ok(0)
}
