//! `--open`: shows written figures in the user's image viewer (`xdg-open` on Linux and
//! BSDs, `open` on macOS), only when a display exists. Never fails: a missing viewer is a
//! note on stderr, and the viewer is not waited for.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether a graphical display is there: macOS always, elsewhere `DISPLAY` (X11) or
/// `WAYLAND_DISPLAY` set and non-empty.
pub fn display_available() -> bool {
    if cfg!(target_os = "macos") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// The viewer command for this system.
fn viewer() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    }
}

/// Opens one file in the viewer without waiting; false (with a note) if it could not start.
pub fn open_file(path: &Path) -> bool {
    let started = Command::new(viewer())
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(_) => true,
        Err(e) => {
            eprintln!(
                "note: could not open {} with {}: {e}",
                path.display(),
                viewer()
            );
            false
        }
    }
}

/// Tracks which figures have been opened, so each opens once.
#[derive(Default)]
pub struct Opener {
    enabled: bool,
    opened: usize,
    warned: bool,
}

impl Opener {
    pub fn new(requested: bool) -> Opener {
        Opener {
            enabled: requested,
            ..Opener::default()
        }
    }

    /// Opens the figures of `written` not opened yet (when asked to and a display exists).
    pub fn open_new(&mut self, written: &[PathBuf]) {
        if !self.enabled || self.opened >= written.len() {
            return;
        }
        if !display_available() {
            if !self.warned {
                eprintln!(
                    "note: --open: no display (DISPLAY, WAYLAND_DISPLAY), figures are files only"
                );
                self.warned = true;
            }
            self.opened = written.len();
            return;
        }
        for p in &written[self.opened..] {
            if !open_file(p) {
                // One note is enough: the viewer is missing.
                self.enabled = false;
                break;
            }
        }
        self.opened = written.len();
    }
}
