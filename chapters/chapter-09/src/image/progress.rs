//! Progress, for the long parts of `load` and `import`: a bar on standard error when it is a
//! terminal, as `docker load` draws one per layer (in decimal megabytes, as docker counts), and nothing at all otherwise (a script or a
//! test reads the output, not the bar). Drawn from the reading itself, as bytes go by: no thread.

use std::io::Read;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether bars are drawn (on a terminal): `load -q` asks for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bars {
    Drawn,
    Quiet,
}

/// `reader`, of `size` bytes, with a bar that says `label` and how far it has got.
pub fn reading<'a>(
    reader: impl Read + 'a,
    size: u64,
    label: String,
    bars: Bars,
) -> (Box<dyn Read + 'a>, Bar) {
    // Hidden by indicatif itself when standard error is not a terminal.
    let target = match bars {
        Bars::Drawn => ProgressDrawTarget::stderr(),
        Bars::Quiet => ProgressDrawTarget::hidden(),
    };
    let bar = ProgressBar::with_draw_target(Some(size), target);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {decimal_bytes}/{decimal_total_bytes}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(label);
    (Box::new(bar.wrap_read(reader)), Bar(bar))
}

/// A bar being drawn: left on the terminal, full, when it is dropped.
pub struct Bar(ProgressBar);

impl Drop for Bar {
    fn drop(&mut self) {
        if self.0.position() >= self.0.length().unwrap_or(0) {
            self.0.finish();
        } else {
            self.0.abandon();
        }
    }
}
