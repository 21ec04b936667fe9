//! Figures in the style of matplotlib's `pyplot`, rendered to PNG or SVG.
//!
//! This module is a small, self-contained plotting library. It knows
//! nothing about the simulator: it never touches a live network, monitors
//! or units; callers pass plain `f64` data (spike times already in ms,
//! indices as numbers, matrices as rows of values) and get a file.
//!
//! The model follows pyplot: a [`Figure`] holds a grid of [`Axes`]
//! selected with [`Figure::subplot`] (1-based index, like `subplot(2, 1, 1)`),
//! and each [`Axes`] collects artists: [`plot`](Axes::plot) lines,
//! [`scatter`](Axes::scatter) points, spike [`raster`](Axes::raster)s in
//! Brian 1's `raster_plot` style, reference lines ([`hline`](Axes::hline),
//! [`vline`](Axes::vline)), [`imshow`](Axes::imshow) images (nearest
//! interpolation, viridis by default, optional colour bar) and
//! [`hist`](Axes::hist)ograms, plus a title, axis labels, limits and a
//! legend. Colours not given cycle through matplotlib's tab10 palette; axis
//! ranges fit the data with 5% margins unless set; ticks and tick labels
//! mimic matplotlib's defaults. [`Figure::save`] writes PNG or SVG by file
//! extension.
//!
//! Text uses DejaVu Sans (matplotlib's default face) compiled into the
//! binary, so rendering needs no system fonts. Rendering is pure Rust via
//! `plotters`; output is at 100 dpi (800 x 600 px) by default, and text,
//! lines and markers scale with [`Figure::set_dpi`]. Rows of subplots move
//! apart when an x label above would meet a title below;
//! [`Figure::tight_layout`] fits all margins and gaps to the labels.
//!
//! Units stay outside: an [`AxisUnit`] on each axis only remembers which unit
//! (a key, a text and a factor) the caller chose for it, and labels set with
//! [`Axes::default_label`] give way to the user's.
//!
//! Not provided: interactive windows (`show`), log scales, error bars, bar
//! charts other than histograms, mathtext, text annotations, shared axes,
//! subplots spanning several grid cells, PDF/EPS output.
//! Bad input never panics: non-finite values are skipped, mismatched
//! lengths and malformed arguments are [`PlotError`]s.
//!
//! ```no_run
//! use brian::plot::{default_raster_labels, Figure};
//! # fn main() -> Result<(), brian::plot::PlotError> {
//! let mut fig = Figure::new();
//! let ax = fig.subplot(2, 1, 1)?;
//! ax.raster(vec![1.0, 2.5, 7.0], vec![0.0, 3.0, 1.0])?;
//! default_raster_labels(ax);
//! fig.subplot(2, 2, 3)?.imshow(vec![vec![0.0, 1.0], vec![2.0, 3.0]], false, true)?;
//! fig.save(std::path::Path::new("figure.png"))?;
//! # Ok(())
//! # }
//! ```

mod axes;
mod color;
mod figure;
mod font;
mod mathtext;
mod render;
mod style;
mod ticks;

pub use axes::{
    default_raster_labels, Axes, AxisUnit, HAlign, ImageOptions, LegendLoc, Scale, TextOptions,
    TextVAlign,
};
pub use color::{Color, Colormap, TAB10};
pub use figure::{Figure, GridRatios, Share, MAX_FIGURE_SIDE};
pub use style::{LinePattern, LineStyle, Marker};
pub use ticks::DEFAULT_SCI_LIMITS;

/// Everything that can go wrong when building or saving a figure.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The output file's extension is neither `.png` nor `.svg`.
    #[error("unsupported figure format for {0:?}: use a .png or .svg file name")]
    UnsupportedFormat(String),
    /// The output file could not be written.
    #[error("cannot write figure: {0}")]
    Io(#[from] std::io::Error),
    /// The rendering backend (plotters) failed.
    #[error("figure rendering failed: {0}")]
    Backend(String),
    /// Two coordinate vectors of different lengths.
    #[error("x and y must have the same length (got {x} and {y})")]
    LengthMismatch { x: usize, y: usize },
    /// Any other unusable argument (subplot index, bin count, ragged image
    /// rows, format string, figure size).
    #[error("{0}")]
    InvalidArgument(String),
}
