//! The progress bar shown on stderr while a large file is read.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lheo::Lang;

/// Files smaller than this are read too quickly to deserve a bar.
pub const MIN_BYTES: u64 = 20 * 1024 * 1024;

/// A progress bar, or nothing (small file, stderr not a terminal, `--quiet`).
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for reading `name` of `size` bytes, shown only when `enabled`, stderr is a
    /// terminal and the file is large.
    pub fn new(name: &str, size: Option<u64>, enabled: bool, lang: Lang) -> Self {
        let Some(size) = size else {
            return Progress(None);
        };
        if !enabled || size < MIN_BYTES || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let verb = match lang {
            Lang::Fr => "lecture de",
            Lang::En => "reading",
        };
        let style = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(format!("{verb} {name}"));
        Progress(Some(bar))
    }

    /// A handle on the bar, for a reader to move it (see [`crate::source::Tracker`]).
    pub fn bar(&self) -> Option<ProgressBar> {
        self.0.clone()
    }

    /// Removes the bar from the terminal.
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
