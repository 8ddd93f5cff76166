//! `minidock commit [-a AUTHOR] [-c INSTRUCTION]... [-m MESSAGE] [-p] CONTAINER
//! [REPOSITORY[:TAG]]`: the container's changes become the top layer of a new image.

use std::path::Path;

use crate::cli::CommitArgs;
use crate::container::commit::{self as committing, Commit};
use crate::container::state::{self, Status};
use crate::container::storage::files;

pub fn commit(args: &CommitArgs, root: &Path) -> Result<u8, files::Error> {
    if let Some(name) = &args.reference {
        committing::check_reference(name)?;
    }
    let container = state::find(root, &args.container)?;
    // docker pauses a running container for the time of the commit: its files stand still
    // while they are read.
    let pause = args.pause && container.state.status == Status::Running;
    if pause {
        crate::container::pause::pause(&container)?;
    }
    let made = committing::commit(
        &container,
        &Commit {
            author: args.author.clone(),
            message: args.message.clone(),
            changes: args.change.clone(),
            reference: args.reference.clone(),
        },
    );
    if pause {
        let now = state::find(root, container.id())?;
        crate::container::pause::unpause(&now)?;
    }
    let made = made?;
    let image = made.to_string();
    let mut attributes = vec![
        ("comment", args.message.as_deref().unwrap_or_default()),
        ("imageID", image.as_str()),
    ];
    if let Some(reference) = &args.reference {
        attributes.push(("imageRef", reference.as_str()));
    }
    use crate::container::events;
    events::emit(root, &container, events::Action::Commit, &attributes);
    println!("{made}");
    Ok(0)
}
