//! `minidock save [-o FILE] IMAGE...`: images as one archive, written whole or not at all.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use crate::cli::SaveArgs;
use crate::image::save::{self, Wanted};
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Save(#[from] save::Error),
    #[error("cowardly refusing to save to a terminal. Use the -o flag or redirect")]
    Terminal,
    #[error("writing {path}: {source}")]
    Output { path: PathBuf, source: io::Error },
}

pub fn save(args: &SaveArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let names = store.names()?;
    let wanted = args
        .images
        .iter()
        .map(|reference| {
            let id = store.resolve(reference)?;
            let name = Some(store::normalize(reference)).filter(|name| names.contains_key(name));
            Ok(Wanted { id, name })
        })
        .collect::<Result<Vec<_>, store::Error>>()?;
    let Some(path) = &args.output else {
        if io::stdout().is_terminal() {
            return Err(Error::Terminal);
        }
        save::save(&store, &wanted, io::stdout().lock())?;
        return Ok(0);
    };
    // Written beside its destination and renamed: a failed or killed save leaves no half an
    // archive under the name asked for.
    let temp = path.with_file_name(format!(
        ".{}.{}.part",
        path.file_name()
            .map_or("archive".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let fail = |source| Error::Output {
        path: path.clone(),
        source,
    };
    let result = (|| {
        let file = File::create(&temp).map_err(fail)?;
        save::save(
            &store,
            &wanted,
            io::BufWriter::with_capacity(1 << 20, &file),
        )?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&temp, path).map_err(fail)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map(|()| 0)
}
