// [ch05 file]
//! An image's configuration: docker's image config JSON (the OCI image spec's `config.json`),
//! the parts minidock reads. It is stored as the bytes it came in, and parsed when needed:
//! re-serialized, it would have another digest, and so another id.

use serde::{Deserialize, Serialize};

/// The image config. Unknown fields are kept out of the struct, not out of the store.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub config: RunConfig,
    pub rootfs: RootFs,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub history: Vec<History>,
}

/// What a container of the image runs by default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub env: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    // [ch06]
    /// The signal `stop` sends first (`STOPSIGNAL`), SIGTERM if none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    // [ch06 end]
    // [ch09]
    /// The ports a container of the image listens on (`EXPOSE`), as `{"80/tcp": {}}`.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "std::collections::BTreeMap::is_empty"
    )]
    pub exposed_ports: std::collections::BTreeMap<String, serde_json::Value>,
    // [ch09 end]
}

/// The layers, bottom first, by diff id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Docker writes `null` where a list or an object is empty: read it as empty.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The machine's architecture as the image spec names it (Go's GOARCH).
pub fn architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// `now` as RFC 3339 in UTC, as image configs write times (`2026-11-30T09:00:00Z`).
pub fn rfc3339(now: std::time::SystemTime) -> String {
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn times_are_written_as_rfc_3339() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_029_200);
        assert_eq!(rfc3339(t), "2026-11-30T09:00:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn a_docker_config_reads_and_its_unknown_fields_do_not_matter() {
        let raw = r#"{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"],"Entrypoint":null,"WorkingDir":"/w","Labels":{"a":"b"}},"rootfs":{"type":"layers","diff_ids":["sha256:00"]},"container_config":{},"history":null}"#;
        let config: ImageConfig = serde_json::from_str(raw).unwrap();
        assert_eq!(config.config.cmd, Some(vec!["sh".to_string()]));
        assert_eq!(config.config.working_dir.as_deref(), Some("/w"));
        assert_eq!(config.rootfs.diff_ids.len(), 1);
    }
}
