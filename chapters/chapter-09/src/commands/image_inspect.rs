//! `minidock image inspect [-f TEMPLATE] IMAGE...`: what the store knows of an image, as docker's
//! JSON, or through a template (`-f '{{.Config.Cmd}}'`, see `template`).

use std::path::Path;

use super::images::disk_usage;
use super::template::{self, Template, Value};
use crate::cli::ImageInspectArgs;
use crate::image::digest::Digest;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Template(#[from] template::Error),
    #[error("image {id}: its config: {reason}")]
    Config { id: String, reason: String },
    // docker's words.
    #[error("No such image: {0}")]
    NoSuchImage(String),
}

impl Error {
    /// docker's exit status for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Template(err) => err.exit_status(),
            _ => 1,
        }
    }
}

/// Prints the images found as one JSON array (or each through the template), then tells which
/// were not found, as docker does.
pub fn inspect(args: &ImageInspectArgs, root: &Path) -> Result<u8, Error> {
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    let store = Store::open(root)?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for reference in &args.images {
        match store.find(reference)? {
            Some(id) => found.push(describe(&store, &id)?),
            None => missing.push(Error::NoSuchImage(reference.clone())),
        }
    }
    match template {
        Some(template) => {
            for image in &found {
                println!("{}", template.execute(image)?);
            }
        }
        None => println!("{}", Value::Array(found).pretty()),
    }
    for err in &missing {
        crate::sys::tell(err);
    }
    Ok(if missing.is_empty() { 0 } else { 1 })
}

/// The image `id` as docker's `image inspect` shows it, its fields in docker's order.
pub fn describe(store: &Store, id: &Digest) -> Result<Value, Error> {
    let bad = |reason: String| Error::Config {
        id: id.to_string(),
        reason,
    };
    let config: Value = serde_json::from_slice(&store.blob(id)?).map_err(|e| bad(e.to_string()))?;
    let diff_ids = store.diff_ids(id)?;
    let text = |key: &str| match config.get(key) {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => Value::String(String::new()),
    };
    // A config of docker's has its comment at the top; one of an import's, in its history.
    let comment = match config.get("comment") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => match config.get("history") {
            Some(Value::Array(history)) => history
                .last()
                .and_then(|h| h.get("comment"))
                .cloned()
                .unwrap_or(Value::String(String::new())),
            _ => Value::String(String::new()),
        },
    };
    let names: Vec<Value> = store
        .names()?
        .into_iter()
        .filter(|(_, named)| named == id)
        .map(|(name, _)| Value::String(name))
        .collect();
    let size: u64 = diff_ids.iter().map(|d| disk_usage(&store.layer(d))).sum();
    // The layers as overlayfs stacks them: the topmost is what docker calls the upper one.
    let mut dirs: Vec<String> = diff_ids
        .iter()
        .rev()
        .map(|d| store.layer(d).display().to_string())
        .collect();
    let mut data = Vec::new();
    if !dirs.is_empty() {
        let upper = dirs.remove(0);
        if !dirs.is_empty() {
            data.push(("LowerDir", Value::String(dirs.join(":"))));
        }
        data.push(("UpperDir", Value::String(upper)));
    }
    let layers = diff_ids
        .iter()
        .map(|d| Value::String(d.to_string()))
        .collect();
    let mut fields = vec![
        ("Id", Value::String(id.to_string())),
        ("RepoTags", Value::Array(names)),
        ("RepoDigests", Value::Array(Vec::new())),
        ("Parent", Value::String(String::new())),
        ("Comment", comment),
        ("Created", text("created")),
        ("Container", text("container")),
        (
            "ContainerConfig",
            run_config(config.get("container_config")),
        ),
        ("DockerVersion", text("docker_version")),
        ("Author", text("author")),
        ("Config", run_config(config.get("config"))),
        ("Architecture", text("architecture")),
    ];
    if let Some(Value::String(variant)) = config.get("variant") {
        fields.push(("Variant", Value::String(variant.clone())));
    }
    fields.extend([
        ("Os", text("os")),
        ("Size", Value::Number(size.into())),
        ("VirtualSize", Value::Number(size.into())),
        (
            "GraphDriver",
            Value::object([
                ("Data", Value::object(data)),
                ("Name", Value::String("overlay".into())),
            ]),
        ),
        (
            "RootFS",
            Value::object([
                ("Type", Value::String("layers".into())),
                ("Layers", Value::Array(layers)),
            ]),
        ),
        (
            "Metadata",
            // minidock does not record when a name was given: Go's zero time, as docker shows
            // for an image it never tagged.
            Value::object([("LastTagTime", Value::String("0001-01-01T00:00:00Z".into()))]),
        ),
    ]);
    Ok(Value::object(fields))
}

/// A container config (`config`, `container_config`) as docker's struct prints it: every field
/// in its order, the ones Go omits when empty only when set; other keys dropped.
fn run_config(stored: Option<&Value>) -> Value {
    const EMPTY: &str = "";
    // (name, what it is when the config does not say; None: left out then)
    let fields: [(&str, Option<Value>); 25] = [
        ("Hostname", Some(Value::String(EMPTY.into()))),
        ("Domainname", Some(Value::String(EMPTY.into()))),
        ("User", Some(Value::String(EMPTY.into()))),
        ("AttachStdin", Some(Value::Bool(false))),
        ("AttachStdout", Some(Value::Bool(false))),
        ("AttachStderr", Some(Value::Bool(false))),
        ("ExposedPorts", None),
        ("Tty", Some(Value::Bool(false))),
        ("OpenStdin", Some(Value::Bool(false))),
        ("StdinOnce", Some(Value::Bool(false))),
        ("Env", Some(Value::Null)),
        ("Cmd", Some(Value::Null)),
        ("Healthcheck", None),
        ("ArgsEscaped", None),
        ("Image", Some(Value::String(EMPTY.into()))),
        ("Volumes", Some(Value::Null)),
        ("WorkingDir", Some(Value::String(EMPTY.into()))),
        ("Entrypoint", Some(Value::Null)),
        ("NetworkDisabled", None),
        ("MacAddress", None),
        ("OnBuild", Some(Value::Null)),
        ("Labels", Some(Value::Null)),
        ("StopSignal", None),
        ("StopTimeout", None),
        ("Shell", None),
    ];
    Value::object(fields.into_iter().filter_map(|(name, default)| {
        let given = stored.and_then(|config| config.get(name)).cloned();
        match (given, default) {
            (Some(value), Some(_)) => Some((name, value)),
            (Some(value), None) if !is_empty(&value) => Some((name, value)),
            (_, default) => default.map(|value| (name, value)),
        }
    }))
}

/// What Go's `omitempty` leaves out.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
    }
}
