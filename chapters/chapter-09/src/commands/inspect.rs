//! `minidock inspect [-f TEMPLATE] NAME|ID...`: a container as docker's JSON shows it (the
//! fields minidock has), or through a template (`{{.State.Status}}`); a name that is no
//! container is looked for among the images, as docker does.

use std::path::Path;

use super::image_inspect;
use super::template::{self, Template, Value};
use crate::cli::InspectArgs;
use crate::config::network::Mode;
use crate::container::log;
use crate::container::state::{self, Container, Status};
use crate::image::store::Store;
use crate::network;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Template(#[from] template::Error),
    #[error(transparent)]
    Image(#[from] image_inspect::Error),
    #[error("No such object: {0}")]
    NoSuchObject(String),
}

impl Error {
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Template(err) => err.exit_status(),
            _ => 1,
        }
    }
}

pub fn inspect(args: &InspectArgs, root: &Path) -> Result<u8, Error> {
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for reference in &args.names {
        match state::find(root, reference) {
            Ok(container) => found.push(describe(&container)),
            Err(_) => match image(root, reference)? {
                Some(image) => found.push(image),
                None => missing.push(Error::NoSuchObject(reference.clone())),
            },
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
    for err in &missing {
        crate::sys::tell(err);
    }
    Ok(if missing.is_empty() { 0 } else { 1 })
}

fn image(root: &Path, reference: &str) -> Result<Option<Value>, Error> {
    let Ok(store) = Store::open(root) else {
        return Ok(None);
    };
    let Ok(Some(id)) = store.find(reference) else {
        return Ok(None);
    };
    Ok(Some(image_inspect::describe(&store, &id)?))
}

/// The container as docker's `inspect` shows it, its fields in docker's order.
pub fn describe(container: &Container) -> Value {
    let config = &container.record.config;
    let state = &container.state;
    let text = |s: &str| Value::String(s.to_string());
    let number = |n: i64| Value::Number(n.into());
    let args: Vec<Value> = config
        .process
        .args
        .iter()
        .map(|a| text(&a.to_string_lossy()))
        .collect();
    let env: Vec<Value> = config
        .process
        .env
        .iter()
        .map(|e| text(&e.to_string_lossy()))
        .collect();
    let status = state.status;
    let image_id = config
        .storage
        .as_ref()
        .map_or(String::new(), |s| s.image.clone());
    let driver = config
        .storage
        .as_ref()
        .map_or("".to_string(), |s| s.driver.name().to_string());
    Value::object([
        ("Id", text(container.id())),
        ("Created", text(&state::rfc3339(container.record.created))),
        ("Path", args.first().cloned().unwrap_or(text(""))),
        ("Args", Value::Array(args.iter().skip(1).cloned().collect())),
        (
            "State",
            Value::object([
                ("Status", text(status.name())),
                ("Running", Value::Bool(status.is_running())),
                ("Paused", Value::Bool(status == Status::Paused)),
                ("Restarting", Value::Bool(status == Status::Restarting)),
                ("OOMKilled", Value::Bool(false)),
                ("Dead", Value::Bool(false)),
                ("Pid", number(i64::from(state.pid.pid))),
                ("ExitCode", number(i64::from(state.exit_code))),
                ("Error", text(&state.error)),
                ("StartedAt", text(&state::rfc3339(state.started_at))),
                ("FinishedAt", text(&state::rfc3339(state.finished_at))),
            ]),
        ),
        ("Image", text(&image_id)),
        (
            "LogPath",
            text(&log::path(&container.dir).display().to_string()),
        ),
        ("Name", text(&format!("/{}", container.name()))),
        ("RestartCount", number(i64::from(state.restart_count))),
        ("Driver", text(&driver)),
        (
            "HostConfig",
            Value::object([
                (
                    "LogConfig",
                    Value::object([
                        ("Type", text(&config.meta.log.driver)),
                        (
                            "Config",
                            Value::Object(
                                config
                                    .meta
                                    .log
                                    .options
                                    .iter()
                                    .map(|(key, value)| (key.clone(), text(value)))
                                    .collect(),
                            ),
                        ),
                    ]),
                ),
                ("NetworkMode", text(&config.network.mode.name())),
                ("AutoRemove", Value::Bool(config.meta.auto_remove)),
                (
                    "RestartPolicy",
                    Value::object([
                        ("Name", text(config.meta.restart.name())),
                        (
                            "MaximumRetryCount",
                            number(i64::from(config.meta.restart.max())),
                        ),
                    ]),
                ),
                ("Dns", addresses(&config.network.dns)),
                (
                    "DnsOptions",
                    Value::Array(texts(&config.network.dns_options)),
                ),
                ("DnsSearch", Value::Array(texts(&config.network.dns_search))),
                (
                    "ExtraHosts",
                    match config.network.extra_hosts.as_slice() {
                        [] => Value::Null,
                        hosts => Value::Array(
                            hosts
                                .iter()
                                .map(|(name, ip)| text(&format!("{name}:{ip}")))
                                .collect(),
                        ),
                    },
                ),
                ("PortBindings", port_bindings(&config.network.ports)),
                ("PublishAllPorts", Value::Bool(config.network.publish_all)),
            ]),
        ),
        (
            "Config",
            Value::object([
                ("Hostname", text(&config.hostname)),
                ("Env", Value::Array(env)),
                ("Cmd", words(&config.meta.cmd)),
                ("Entrypoint", words(&config.meta.entrypoint)),
                ("StopSignal", text(&config.meta.stop_signal)),
                ("Image", text(&config.meta.image)),
                (
                    "WorkingDir",
                    text(&config.process.cwd.display().to_string()),
                ),
                (
                    "ExposedPorts",
                    Value::Object(
                        config
                            .network
                            .all_ports()
                            .iter()
                            .map(|port| (port.to_string(), Value::object([])))
                            .collect(),
                    ),
                ),
            ]),
        ),
        ("NetworkSettings", network_settings(container)),
    ])
}

/// `NetworkSettings`, in docker's shape: the endpoint's address at the top, as docker 20.10
/// still shows it for the default network, and under `Networks`, by network. A container that
/// does not run has no address; one that shares another's namespace is on no network of its own.
fn network_settings(container: &Container) -> Value {
    let text = |s: &str| Value::String(s.to_string());
    let number = |n: u8| Value::Number(n.into());
    let mode = &container.record.config.network.mode;
    let attached = container.state.network.clone().unwrap_or_default();
    let endpoint = |attached: &network::Attachment, network_id: &str| {
        Value::object([
            ("IPAMConfig", Value::Null),
            ("Links", Value::Null),
            ("Aliases", Value::Null),
            ("NetworkID", text(network_id)),
            ("EndpointID", text(&attached.endpoint_id)),
            ("Gateway", text(&attached.gateway)),
            ("IPAddress", text(&attached.address)),
            ("IPPrefixLen", number(attached.prefix)),
            ("IPv6Gateway", text("")),
            ("GlobalIPv6Address", text("")),
            ("GlobalIPv6PrefixLen", number(0)),
            ("MacAddress", text(&attached.mac)),
            ("DriverOpts", Value::Null),
        ])
    };
    let mut networks = Vec::new();
    if let Some(name) = mode.network() {
        let id = match attached.network_id.as_str() {
            "" if *mode == Mode::Bridge => network::pool::recorded_id(container.root()),
            id => id.to_string(),
        };
        networks.push((name.to_string(), endpoint(&attached, &id)));
    }
    // The networks it is connected to besides: while it runs, with their endpoints; stopped,
    // by name only, as docker shows them.
    for connection in &container.record.config.network.connected {
        let on = container
            .state
            .connected
            .iter()
            .find(|attached| attached.network == connection.network)
            .cloned()
            .unwrap_or_default();
        networks.push((connection.network.clone(), endpoint(&on, &on.network_id)));
    }
    let networks = Value::Object(networks);
    // The fields at the top are the endpoint's on the default network, as docker 20.10 still
    // shows them.
    let top = attached.clone();
    // On a network of the user's, they stay empty: its endpoint is under Networks only.
    let top = match mode {
        Mode::User(_) => network::Attachment::default(),
        _ => top,
    };
    Value::object([
        ("Bridge", text("")),
        ("SandboxID", text("")),
        ("HairpinMode", Value::Bool(false)),
        ("LinkLocalIPv6Address", text("")),
        ("LinkLocalIPv6PrefixLen", number(0)),
        ("Ports", published(container)),
        ("SandboxKey", text(&attached.sandbox_key)),
        ("SecondaryIPAddresses", Value::Null),
        ("SecondaryIPv6Addresses", Value::Null),
        ("EndpointID", text(&top.endpoint_id)),
        ("Gateway", text(&top.gateway)),
        ("GlobalIPv6Address", text("")),
        ("GlobalIPv6PrefixLen", number(0)),
        ("IPAddress", text(&top.address)),
        ("IPPrefixLen", number(top.prefix)),
        ("IPv6Gateway", text("")),
        ("MacAddress", text(&top.mac)),
        ("Networks", networks),
    ])
}

/// `NetworkSettings.Ports`: while the container runs, each port it exposes or publishes, with
/// the host's addresses and ports it is published on (`null` for one only exposed).
fn published(container: &Container) -> Value {
    let Some(attached) = &container.state.network else {
        return Value::object([]);
    };
    let text = |s: String| Value::String(s);
    Value::Object(
        container
            .record
            .config
            .network
            .all_ports()
            .iter()
            .chain(attached.ports.iter().map(|bound| &bound.container))
            .fold(Vec::new(), |mut ports, port| {
                if !ports.contains(port) {
                    ports.push(*port);
                }
                ports
            })
            .into_iter()
            .map(|port| {
                let bound: Vec<Value> = attached
                    .ports
                    .iter()
                    .filter(|bound| bound.container == port)
                    .map(|bound| {
                        let ip = bound.host_ip.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
                        Value::object([
                            ("HostIp", text(ip.to_string())),
                            ("HostPort", text(bound.host_port.to_string())),
                        ])
                    })
                    .collect();
                let value = match bound.is_empty() {
                    true => Value::Null,
                    false => Value::Array(bound),
                };
                (port.to_string(), value)
            })
            .collect(),
    )
}

/// `HostConfig.PortBindings`: the ports `-p` asked for, as it asked (an empty host port: one
/// the kernel picks).
fn port_bindings(ports: &[crate::config::ports::Publish]) -> Value {
    let mut bindings: Vec<(String, Value)> = Vec::new();
    for publish in ports {
        let (first, last) = publish.host_ports;
        let host_port = match (first, last) {
            (0, 0) => String::new(),
            (first, last) if first == last => first.to_string(),
            (first, last) => format!("{first}-{last}"),
        };
        let binding = Value::object([
            (
                "HostIp",
                Value::String(publish.host_ip.map(|ip| ip.to_string()).unwrap_or_default()),
            ),
            ("HostPort", Value::String(host_port)),
        ]);
        let key = publish.container.to_string();
        match bindings.iter_mut().find(|(k, _)| *k == key) {
            Some((_, Value::Array(list))) => list.push(binding),
            _ => bindings.push((key, Value::Array(vec![binding]))),
        }
    }
    Value::Object(bindings)
}

/// Addresses as a list of strings, `[]` when there is none (docker's `Dns`).
fn addresses(list: &[std::net::IpAddr]) -> Value {
    Value::Array(
        list.iter()
            .map(|ip| Value::String(ip.to_string()))
            .collect(),
    )
}

/// Words as a list of strings, `[]` when there is none.
fn texts(list: &[String]) -> Vec<Value> {
    list.iter()
        .map(|word| Value::String(word.clone()))
        .collect()
}

/// A list of words as docker shows one: `null` when there is none.
fn words(list: &[String]) -> Value {
    if list.is_empty() {
        Value::Null
    } else {
        Value::Array(
            list.iter()
                .map(|word| Value::String(word.clone()))
                .collect(),
        )
    }
}
