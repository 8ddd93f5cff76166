//! `--format`: the small part of Go's templates that docker's `inspect -f` is used with, over
//! JSON values whose keys keep their order (docker prints them in its structs' order).
//!
//! ```text
//!   {{.Id}}                     a field; {{.Config.Cmd}} a path of them
//!   {{json .Config}}            the value as JSON
//!   {{index .RepoTags 0}}       an element of a list, or a key of an object
//!   {{len .RootFS.Layers}}      its length
//!   {{join .Config.Cmd " "}}    a list of strings joined; upper, lower
//!   {{.Config | json}}          a value passed on to a function, as its last argument
//! ```
//!
//! A struct becomes a `Value` with its fields in their declared order through its JSON
//! (`serde_json::to_string`, then `serde_json::from_str::<Value>`): serde_json's own `Value`
//! would sort them.
//!
//! A value prints as Go prints the struct field docker has there: a list as `[a b]`, an object
//! as `{a b}` (a struct) or `map[k:v]` (a map), nothing (`null`) as `[]` or `map[]`.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// A JSON value whose objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// An object of these fields, in this order.
    pub fn object<'a>(fields: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
        Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as docker's `inspect` prints it: indented by four spaces.
    pub fn pretty(&self) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        self.serialize(&mut serializer)
            .expect("a value serializes to JSON");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    /// The value as Go's `fmt` prints the field `key` docker has there.
    fn display(&self, key: &str) -> String {
        match self {
            Value::Null if is_map(key) => "map[]".into(),
            Value::Null => "[]".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(|v| v.display("")).collect();
                format!("[{}]", items.join(" "))
            }
            Value::Object(fields) if is_map(key) => {
                let mut fields: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", v.display(k)))
                    .collect();
                fields.sort();
                format!("map[{}]", fields.join(" "))
            }
            Value::Object(fields) => {
                let fields: Vec<String> = fields.iter().map(|(k, v)| v.display(k)).collect();
                format!("{{{}}}", fields.join(" "))
            }
        }
    }
}

/// The fields that are maps in docker's structs (the others are structs, or lists).
fn is_map(key: &str) -> bool {
    matches!(
        key,
        "Labels"
            | "Volumes"
            | "ExposedPorts"
            | "Data"
            | "Options"
            | "Ports"
            | "Networks"
            | "Sysctls"
            | "StorageOpt"
            | "Tmpfs"
            | "DriverOpts"
    )
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
                serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .ok_or_else(|| E::custom("a number JSON cannot hold"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                // In the order they come: what serde_json's own map would sort.
                let mut fields: Vec<(String, Value)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    fields.retain(|(key, _)| *key != k);
                    fields.push((k, v));
                }
                Ok(Value::Object(fields))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

/// A template that does not parse, or does not apply to a value: docker's words.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("template parsing error: template: :1: {0}")]
    Parse(String),
    #[error("template parsing error: template: :1:{column}: executing \"\" at <{at}>: {reason}")]
    Execute {
        column: usize,
        at: String,
        reason: String,
    },
}

impl Error {
    /// docker's exit status: 64 for a template that does not parse, 1 for one that fails.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Parse(_) => 64,
            Error::Execute { .. } => 1,
        }
    }
}

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    /// Commands, each one's value passed to the next as its last argument.
    Pipeline(Vec<Command>),
}

#[derive(Debug)]
struct Command {
    function: Option<String>,
    args: Vec<Arg>,
}

#[derive(Debug)]
enum Arg {
    /// `.A.B`: where it starts in the template, and the names.
    Field(usize, Vec<String>),
    String(String),
    Number(i64),
}

const FUNCTIONS: [&str; 6] = ["json", "index", "len", "join", "upper", "lower"];

impl Template {
    pub fn parse(text: &str) -> Result<Template, Error> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let inner_start = start + 2;
            let end = rest[inner_start..]
                .find("}}")
                .ok_or_else(|| Error::Parse("unclosed action".into()))?;
            let action = &rest[inner_start..inner_start + end];
            parts.push(Part::Pipeline(pipeline(action, offset + inner_start)?));
            offset += inner_start + end + 2;
            rest = &rest[inner_start + end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The template applied to `data`.
    pub fn execute(&self, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Pipeline(commands) => {
                    let mut last: Option<(Value, String)> = None;
                    for command in commands {
                        last = Some(command.run(data, last)?);
                    }
                    if let Some((value, key)) = last {
                        out.push_str(&value.display(&key));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// `A | B | C`, starting at `offset` in the template.
fn pipeline(action: &str, offset: usize) -> Result<Vec<Command>, Error> {
    let mut commands = Vec::new();
    let mut at = offset;
    for text in action.split('|') {
        let words = words(text, at)?;
        at += text.len() + 1;
        let Some((first, rest)) = words.split_first() else {
            return Err(Error::Parse("missing value for command".into()));
        };
        let command = match first {
            (_, word) if word.starts_with('.') || word.starts_with('"') => {
                if !rest.is_empty() {
                    return Err(Error::Parse(format!(
                        "can't give argument to non-function {word}"
                    )));
                }
                Command {
                    function: None,
                    args: vec![arg(first)?],
                }
            }
            (_, word) if FUNCTIONS.contains(&word.as_str()) => Command {
                function: Some(word.clone()),
                args: rest.iter().map(arg).collect::<Result<_, _>>()?,
            },
            (_, word) if word.parse::<i64>().is_ok() => Command {
                function: None,
                args: vec![arg(first)?],
            },
            (_, word) => return Err(Error::Parse(format!("function {word:?} not defined"))),
        };
        commands.push(command);
    }
    Ok(commands)
}

/// The words of a command, each with where it starts: a quoted string is one word.
fn words(text: &str, offset: usize) -> Result<Vec<(usize, String)>, Error> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut word = String::from('"');
            loop {
                match chars.next() {
                    Some((_, '\\')) => {
                        if let Some((_, escaped)) = chars.next() {
                            word.push(match escaped {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                    }
                    Some((_, '"')) => break,
                    Some((_, c)) => word.push(c),
                    None => return Err(Error::Parse("unterminated quoted string".into())),
                }
            }
            words.push((offset + i, word));
        } else {
            let mut word = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            words.push((offset + i, word));
        }
    }
    Ok(words)
}

fn arg((at, word): &(usize, String)) -> Result<Arg, Error> {
    if let Some(string) = word.strip_prefix('"') {
        Ok(Arg::String(string.to_string()))
    } else if word == "." {
        Ok(Arg::Field(*at, Vec::new()))
    } else if let Some(path) = word.strip_prefix('.') {
        Ok(Arg::Field(
            *at,
            path.split('.').map(str::to_string).collect(),
        ))
    } else if let Ok(n) = word.parse() {
        Ok(Arg::Number(n))
    } else {
        Err(Error::Parse(format!("function {word:?} not defined")))
    }
}

impl Command {
    /// The command's value, and the name of the field it came from (for how it prints).
    fn run(&self, data: &Value, piped: Option<(Value, String)>) -> Result<(Value, String), Error> {
        let mut args = self
            .args
            .iter()
            .map(|arg| arg.value(data))
            .collect::<Result<Vec<_>, _>>()?;
        args.extend(piped);
        let Some(function) = &self.function else {
            return Ok(args.pop().unwrap_or((Value::Null, String::new())));
        };
        let failed = |reason: String| Error::Execute {
            column: 0,
            at: function.clone(),
            reason,
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.display(""),
        };
        let value = match (function.as_str(), &args[..]) {
            ("json", [(v, _)]) => Value::String(serde_json::to_string(v).expect("JSON")),
            ("len", [(v, _)]) => match v {
                Value::Array(items) => Value::Number(items.len().into()),
                Value::Object(fields) => Value::Number(fields.len().into()),
                Value::String(s) => Value::Number(s.len().into()),
                Value::Null => Value::Number(0.into()),
                other => return Err(failed(format!("len of {}", other.display("")))),
            },
            ("index", [(v, key), rest @ ..]) => {
                let mut v = (v.clone(), key.clone());
                for (i, _) in rest {
                    v = match (&v.0, i) {
                        (Value::Array(items), Value::Number(n)) => {
                            let n = n.as_u64().unwrap_or(u64::MAX) as usize;
                            let item = items.get(n).cloned().ok_or_else(|| {
                                failed(format!("error calling index: index out of range: {n}"))
                            })?;
                            (item, String::new())
                        }
                        (Value::Object(_), Value::String(k)) => {
                            (v.0.get(k).cloned().unwrap_or(Value::Null), k.clone())
                        }
                        _ => return Err(failed("error calling index: cannot index".into())),
                    };
                }
                return Ok(v);
            }
            ("join", [(Value::Array(items), _), (Value::String(sep), _)]) => {
                Value::String(items.iter().map(text).collect::<Vec<_>>().join(sep))
            }
            ("join", [(Value::Null, _), (Value::String(_), _)]) => Value::String(String::new()),
            ("upper", [(v, _)]) => Value::String(text(v).to_uppercase()),
            ("lower", [(v, _)]) => Value::String(text(v).to_lowercase()),
            _ => {
                return Err(failed(format!(
                    "wrong number or type of arguments for {function}"
                )))
            }
        };
        Ok((value, String::new()))
    }
}

impl Arg {
    fn value(&self, data: &Value) -> Result<(Value, String), Error> {
        match self {
            Arg::String(s) => Ok((Value::String(s.clone()), String::new())),
            Arg::Number(n) => Ok((Value::Number((*n).into()), String::new())),
            Arg::Field(at, path) => {
                let mut value = data;
                let mut column = *at;
                let mut key = String::new();
                for name in path {
                    let failed = |reason: String| Error::Execute {
                        column,
                        at: format!(".{}", path.join(".")),
                        reason,
                    };
                    value = match value {
                        Value::Object(_) => value
                            .get(name)
                            .ok_or_else(|| failed(format!("map has no entry for key {name:?}")))?,
                        Value::Null => &Value::Null,
                        other => {
                            return Err(failed(format!(
                                "can't evaluate field {name} in type {}",
                                kind(other)
                            )))
                        }
                    };
                    column += name.len() + 1;
                    key = name.clone();
                }
                Ok((value.clone(), key))
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Value {
        serde_json::from_str(
            r#"{"Id":"sha256:ab","Config":{"Cmd":["sh","-c","echo hi"],"Env":null,"WorkingDir":"/w","Labels":null},
               "RootFS":{"Type":"layers","Layers":["sha256:1","sha256:2"]},"Size":42}"#,
        )
        .unwrap()
    }

    fn run(template: &str) -> String {
        Template::parse(template).unwrap().execute(&data()).unwrap()
    }

    #[test]
    fn fields_print_as_docker_prints_them() {
        assert_eq!(run("{{.Id}}"), "sha256:ab");
        assert_eq!(run("{{.Config.Cmd}}"), "[sh -c echo hi]");
        assert_eq!(run("{{.Config.Env}} {{.Config.Labels}}"), "[] map[]");
        assert_eq!(run("{{.RootFS.Layers}}"), "[sha256:1 sha256:2]");
        assert_eq!(run("size={{.Size}}\n"), "size=42\n");
        assert_eq!(run("{{.RootFS}}"), "{layers [sha256:1 sha256:2]}");
    }

    #[test]
    fn functions_apply() {
        assert_eq!(run("{{json .Config.Cmd}}"), r#"["sh","-c","echo hi"]"#);
        assert_eq!(
            run("{{json .Config}}"),
            r#"{"Cmd":["sh","-c","echo hi"],"Env":null,"WorkingDir":"/w","Labels":null}"#
        );
        assert_eq!(run("{{.Config.Cmd | json}}"), r#"["sh","-c","echo hi"]"#);
        assert_eq!(run("{{index .RootFS.Layers 1}}"), "sha256:2");
        assert_eq!(run("{{len .RootFS.Layers}}"), "2");
        assert_eq!(run(r#"{{join .Config.Cmd ","}}"#), "sh,-c,echo hi");
        assert_eq!(run("{{upper .RootFS.Type}}"), "LAYERS");
    }

    #[test]
    fn mistakes_are_told_in_dockers_words() {
        let err = Template::parse("x {{.Id").unwrap_err();
        assert_eq!(
            err.to_string(),
            "template parsing error: template: :1: unclosed action"
        );
        assert_eq!(err.exit_status(), 64);
        let err = Template::parse("{{.Config.Nope}}")
            .unwrap()
            .execute(&data())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "template parsing error: template: :1:9: executing \"\" at <.Config.Nope>: map has no entry for key \"Nope\""
        );
        assert!(Template::parse("{{nope .Id}}").is_err());
    }

    #[test]
    fn objects_keep_their_order() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":[],"c":{}}"#).unwrap();
        assert_eq!(
            v.pretty(),
            "{\n    \"b\": 1,\n    \"a\": [],\n    \"c\": {}\n}"
        );
    }
}
