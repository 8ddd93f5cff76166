//! `minidock tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`: one more name for an image. A name is a
//! pointer: the image is not copied, and removing one of its names leaves it to the others.

use std::path::Path;

use crate::cli::TagArgs;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    // docker's words, as the daemon answers.
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("Error parsing reference: {0:?} is not a valid repository/tag: {1}")]
    BadReference(String, &'static str),
}

/// Names the image `SOURCE` as `TARGET`, moving `TARGET` if it named another image.
pub fn tag(args: &TagArgs, root: &Path) -> Result<u8, Error> {
    check_reference(&args.target)
        .map_err(|reason| Error::BadReference(args.target.clone(), reason))?;
    let store = Store::open(root)?;
    // Found and named under the lock: an `rmi` cannot remove the image in between.
    let locked = store.lock()?;
    let id = store
        .find(&args.source)?
        .ok_or_else(|| Error::NoSuchImage(store::normalize(&args.source)))?;
    locked.tag(&args.target, &id)?;
    Ok(0)
}

/// Whether `name` is a name docker accepts for an image, `[DOMAIN[:PORT]/]PATH[:TAG]`: path
/// components of lowercase letters and digits, separated by `.`, `_`, `__` or dashes; a tag of
/// at most 128 word characters, dots and dashes, not starting with either.
pub fn check_reference(name: &str) -> Result<(), &'static str> {
    const INVALID: &str = "invalid reference format";
    let (repository, tag) = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag)),
        _ => (name, None),
    };
    if let Some(tag) = tag {
        let ok = tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Err(INVALID);
        }
    }
    if repository.is_empty() || repository.len() > 255 {
        return Err(INVALID);
    }
    let mut components: Vec<&str> = repository.split('/').collect();
    // The first component is a registry if it looks like a host (a dot, a port, localhost).
    if components.len() > 1 && (components[0].contains(['.', ':']) || components[0] == "localhost")
    {
        let domain = components.remove(0);
        let (host, port) = domain.split_once(':').unwrap_or((domain, "0"));
        let ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(INVALID);
        }
    }
    let component_ok = |c: &str| {
        let mut last_separator = true;
        let mut chars = c.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
                last_separator = false;
            } else if matches!(ch, '.' | '_' | '-') {
                if last_separator {
                    return false;
                }
                // `__` and runs of dashes are one separator.
                if ch == '_' && chars.peek() == Some(&'_') {
                    chars.next();
                }
                while ch == '-' && chars.peek() == Some(&'-') {
                    chars.next();
                }
                last_separator = true;
            } else {
                return false;
            }
        }
        !last_separator
    };
    if components.iter().all(|c| component_ok(c)) {
        Ok(())
    } else if components.iter().all(|c| component_ok(&c.to_lowercase())) {
        Err("invalid reference format: repository name must be lowercase")
    } else {
        Err(INVALID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_as_docker_checks_them() {
        for good in [
            "busybox",
            "bb:1.36",
            "my-app/web_1:v2.0-rc",
            "localhost:5000/bb",
            "registry.example.com/a/b:latest",
            "a__b",
        ] {
            assert_eq!(check_reference(good), Ok(()), "{good}");
        }
        assert_eq!(
            check_reference("BAD"),
            Err("invalid reference format: repository name must be lowercase")
        );
        for bad in ["", "-a", "a-", "a..b", "a:", "a:-x", "a b", "a/:x", "a@b"] {
            assert_eq!(
                check_reference(bad),
                Err("invalid reference format"),
                "{bad}"
            );
        }
    }
}
