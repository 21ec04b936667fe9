//! [`Figure`]: a grid of [`Axes`] and its output to PNG or SVG.

use std::path::Path;

use plotters::backend::{BitMapBackend, SVGBackend};
use plotters::drawing::IntoDrawingArea;

use super::axes::{Axes, SubplotSpec};
use super::render::render_figure;
use super::PlotError;

/// Largest accepted figure side, in pixels.
pub const MAX_FIGURE_SIDE: u32 = 10_000;

/// A figure: a size in pixels and any number of subplots, like a
/// matplotlib figure at 100 dpi.
#[derive(Debug, Clone)]
pub struct Figure {
    width: u32,
    height: u32,
    /// Pixels per inch: text, line widths and markers are sized in points (1/72 inch).
    dpi: f64,
    axes: Vec<Axes>,
    current: Option<usize>,
    /// matplotlib's `tight_layout()`: margins and spacing fitted to the labels.
    tight: bool,
    /// Unique among all figures of the process (handles to axes name it).
    id: u64,
    /// pyplot's figure number, when given with `figure(n)`.
    number: Option<usize>,
    pub(crate) suptitle: Option<String>,
    /// Relative row heights and column widths of the `subplots` grid (matplotlib's
    /// `gridspec_kw`), for axes on a grid of that shape.
    pub(crate) grid_ratios: Option<GridRatios>,
}

/// matplotlib's `height_ratios` and `width_ratios` for a `rows` x `cols` grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRatios {
    pub rows: usize,
    pub cols: usize,
    pub heights: Vec<f64>,
    pub widths: Vec<f64>,
}

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Which axes of a grid share an axis (matplotlib's `sharex` / `sharey` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Share {
    #[default]
    None,
    All,
    Row,
    Col,
}

impl Default for Figure {
    fn default() -> Self {
        Self::new()
    }
}

impl Figure {
    /// An empty 800 x 600 pixel figure (matplotlib's 8 x 6 inches at
    /// 100 dpi).
    pub fn new() -> Self {
        Figure {
            width: 800,
            height: 600,
            dpi: 100.0,
            axes: Vec::new(),
            current: None,
            tight: false,
            id: next_id(),
            number: None,
            suptitle: None,
            grid_ratios: None,
        }
    }

    /// A process-wide unique id, kept for the figure's life (not by `clone`: a clone
    /// has the same id).
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn number(&self) -> Option<usize> {
        self.number
    }

    pub fn set_number(&mut self, n: usize) {
        self.number = Some(n);
    }

    /// matplotlib's `suptitle`: a title centred above all subplots.
    pub fn suptitle(&mut self, s: &str) {
        self.suptitle = Some(s.to_string());
    }

    pub fn get_suptitle(&self) -> Option<&str> {
        self.suptitle.as_deref()
    }

    /// The axes at `index` (creation order), if it exists.
    pub fn axes_mut(&mut self, index: usize) -> Option<&mut Axes> {
        self.axes.get_mut(index)
    }

    /// Index of the current axes, if any.
    pub fn current_index(&self) -> Option<usize> {
        self.current.filter(|&i| i < self.axes.len())
    }

    /// Makes the axes at `index` current (`plt.sca(ax)`); false if there is none.
    pub fn set_current(&mut self, index: usize) -> bool {
        let ok = index < self.axes.len();
        if ok {
            self.current = Some(index);
        }
        ok
    }

    /// matplotlib's `subplots(rows, cols, sharex, sharey)` on this figure: new axes for
    /// every cell (row-major indices returned), sharing limits as asked; shared axes show
    /// x tick labels on the bottom row only and y tick labels on the first column only
    /// (`label_outer`). The last axes become current, as matplotlib's `plt.subplots` leaves
    /// them.
    pub fn subplots(
        &mut self,
        rows: usize,
        cols: usize,
        sharex: Share,
        sharey: Share,
    ) -> Result<Vec<usize>, PlotError> {
        let cells = rows.checked_mul(cols).unwrap_or(0);
        if rows == 0 || cols == 0 || cells > 10_000 {
            return Err(PlotError::InvalidArgument(format!(
                "subplots({rows}, {cols}): need 1 <= rows, cols and at most 10000 axes"
            )));
        }
        let start = self.axes.len();
        for k in 1..=cells {
            self.axes.push(Axes::new(SubplotSpec::cell(rows, cols, k)));
        }
        let ids: Vec<usize> = (start..start + cells).collect();
        for (axis, share) in [(0usize, sharex), (1usize, sharey)] {
            for k in 0..cells {
                let (r, c) = (k / cols, k % cols);
                let leader = match share {
                    Share::None => continue,
                    Share::All => 0,
                    Share::Row => r * cols,
                    Share::Col => c,
                };
                if leader != k {
                    self.axes[ids[k]].share[axis] = Some(ids[leader]);
                }
                let inner = if axis == 0 {
                    r + 1 < rows && share != Share::Row
                } else {
                    c > 0 && share != Share::Col
                };
                if inner {
                    self.axes[ids[k]].show_tick_labels(axis == 0, false);
                }
            }
        }
        self.current = Some(start + cells - 1);
        Ok(ids)
    }

    /// matplotlib's `twinx()`: new axes over the axes at `index`, sharing its x axis,
    /// with their own y axis on the right (and their own colour cycle). Made current.
    pub fn twinx(&mut self, index: usize) -> Result<usize, PlotError> {
        let Some(parent) = self.axes.get(index) else {
            return Err(PlotError::InvalidArgument(format!("no axes {index}")));
        };
        let mut ax = Axes::new(parent.spec);
        ax.twin = true;
        ax.share[0] = Some(parent.share[0].unwrap_or(index));
        ax.scale[0] = parent.scale[0];
        self.axes.push(ax);
        let i = self.axes.len() - 1;
        // The parent's frame sets where the twin is drawn.
        self.axes[i].twin_parent = Some(index);
        self.current = Some(i);
        Ok(i)
    }

    /// The axes sharing the x (`x == true`) or y axis of the axes at `index` (itself
    /// included): ticks and scales set on one apply to all, as in matplotlib.
    pub fn share_group(&self, index: usize, x: bool) -> Vec<usize> {
        let k = usize::from(!x);
        let Some(ax) = self.axes.get(index) else {
            return Vec::new();
        };
        let leader = ax.share[k].unwrap_or(index);
        (0..self.axes.len())
            .filter(|&j| j == leader || self.axes[j].share[k] == Some(leader))
            .collect()
    }

    /// The x and y ranges the axes at `index` will show: like [`Axes::limits`], over the
    /// data of every axes sharing that axis (explicit limits of any of them win, the
    /// axes' own first).
    pub fn axes_limits(&self, index: usize) -> ((f64, f64), (f64, f64)) {
        let Some(ax) = self.axes.get(index) else {
            return ((0.0, 1.0), (0.0, 1.0));
        };
        let lim = |x: bool| {
            let k = usize::from(!x);
            let leader = ax.share[k].unwrap_or(index);
            let group: Vec<&Axes> = self
                .axes
                .iter()
                .enumerate()
                .filter(|(j, a)| *j == leader || a.share[k] == Some(leader))
                .map(|(_, a)| a)
                .collect();
            let scale = ax.scale[k];
            let mut extent = ax.extent(x, scale);
            let mut explicit = ax.explicit_lim(x);
            for g in &group {
                if std::ptr::eq(*g, ax) {
                    continue;
                }
                extent.merge(g.extent(x, scale));
                explicit = explicit.or(g.explicit_lim(x));
            }
            ax.axis_limits(x, explicit, extent)
        };
        (lim(true), lim(false))
    }

    /// Sets the output size. Fonts, line widths and markers keep their
    /// size in pixels. Sizes of 0 or above [`MAX_FIGURE_SIDE`] make
    /// [`save`](Self::save) fail.
    pub fn set_size(&mut self, width_px: u32, height_px: u32) {
        self.width = width_px;
        self.height = height_px;
    }

    /// Sets the resolution in dots per inch (matplotlib's `dpi`, 100 by default): text,
    /// line widths and markers scale with it, the size in pixels does not (use
    /// [`set_size`](Self::set_size)). Values outside 1..=2000 are clamped.
    pub fn set_dpi(&mut self, dpi: f64) {
        self.dpi = if dpi.is_finite() {
            dpi.clamp(1.0, 2000.0)
        } else {
            100.0
        };
    }

    /// matplotlib's `tight_layout()`: the margins around the subplots and the space
    /// between them fitted to their tick labels, axis labels and titles (with a pad of
    /// 1.08 font sizes), instead of the fixed subplot parameters.
    pub fn tight_layout(&mut self) {
        self.tight = true;
    }

    /// Sets the relative heights of the rows and widths of the columns of a `rows` x
    /// `cols` grid (all equal where `None`); every ratio must be positive and finite, one
    /// per row (column).
    pub fn set_grid_ratios(
        &mut self,
        rows: usize,
        cols: usize,
        heights: Option<Vec<f64>>,
        widths: Option<Vec<f64>>,
    ) -> Result<(), PlotError> {
        let check = |v: Option<Vec<f64>>, n: usize, what: &str| match v {
            None => Ok(vec![1.0; n]),
            Some(v) if v.len() != n => Err(PlotError::InvalidArgument(format!(
                "{what} has {} values for {n} {}",
                v.len(),
                if what == "height_ratios" {
                    "rows"
                } else {
                    "columns"
                }
            ))),
            Some(v) if v.iter().any(|r| !(r.is_finite() && *r > 0.0)) => Err(
                PlotError::InvalidArgument(format!("{what} must be positive numbers, got {v:?}")),
            ),
            Some(v) => Ok(v),
        };
        let heights = check(heights, rows, "height_ratios")?;
        let widths = check(widths, cols, "width_ratios")?;
        self.grid_ratios = Some(GridRatios {
            rows,
            cols,
            heights,
            widths,
        });
        Ok(())
    }

    /// The ratios of the grid `spec` is on, if they were set for a grid of its shape.
    pub(crate) fn ratios_for(&self, spec: SubplotSpec) -> Option<&GridRatios> {
        self.grid_ratios
            .as_ref()
            .filter(|g| g.rows == spec.rows && g.cols == spec.cols)
    }

    pub fn is_tight(&self) -> bool {
        self.tight
    }

    pub fn dpi(&self) -> f64 {
        self.dpi
    }

    /// `(width, height)` in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Selects subplot `index` (1-based, row-major) of a `rows` x `cols`
    /// grid, like matplotlib's `subplot(rows, cols, index)`: the axes with
    /// that exact position if it exists, otherwise new axes (existing axes
    /// elsewhere are kept, even if they overlap). The selected axes become
    /// the current axes. Fails for zero rows or columns or an index outside
    /// `1..=rows*cols`.
    pub fn subplot(
        &mut self,
        rows: usize,
        cols: usize,
        index: usize,
    ) -> Result<&mut Axes, PlotError> {
        let cells = rows.checked_mul(cols).unwrap_or(0);
        if rows == 0 || cols == 0 || index == 0 || index > cells {
            return Err(PlotError::InvalidArgument(format!(
                "subplot({rows}, {cols}, {index}): need rows, cols >= 1 and 1 <= index <= rows*cols"
            )));
        }
        self.subplot_span(rows, cols, index, index)
    }

    /// `subplot(rows, cols, (first, last))`: axes covering the grid cells from `first`
    /// to `last` (1-based, row-major; the rectangle they span).
    pub fn subplot_span(
        &mut self,
        rows: usize,
        cols: usize,
        index: usize,
        last: usize,
    ) -> Result<&mut Axes, PlotError> {
        let cells = rows.checked_mul(cols).unwrap_or(0);
        if rows == 0 || cols == 0 || index == 0 || index > cells || last < index || last > cells {
            return Err(PlotError::InvalidArgument(format!(
                "subplot({rows}, {cols}, ({index}, {last})): need rows, cols >= 1 and 1 <= first <= last <= rows*cols"
            )));
        }
        let spec = SubplotSpec {
            rows,
            cols,
            index,
            last,
        };
        let i = match self.axes.iter().position(|a| a.spec == spec && !a.twin) {
            Some(i) => i,
            None => {
                self.axes.push(Axes::new(spec));
                self.axes.len() - 1
            }
        };
        self.current = Some(i);
        Ok(&mut self.axes[i])
    }

    /// matplotlib's three-digit form: `subplot_code(211)` is
    /// `subplot(2, 1, 1)`. Codes outside 111..=999 fail.
    pub fn subplot_code(&mut self, code: usize) -> Result<&mut Axes, PlotError> {
        if !(111..=999).contains(&code) {
            return Err(PlotError::InvalidArgument(format!(
                "subplot({code}): a three-digit code is needed"
            )));
        }
        self.subplot(code / 100, (code / 10) % 10, code % 10)
    }

    /// The current axes (the last selected by [`subplot`](Self::subplot)),
    /// creating a single 1x1 subplot if there are none, like `gca()`.
    pub fn current_axes(&mut self) -> &mut Axes {
        let i = match self.current.filter(|&i| i < self.axes.len()) {
            Some(i) => i,
            None => {
                let spec = SubplotSpec::cell(1, 1, 1);
                match self.axes.iter().position(|a| a.spec == spec && !a.twin) {
                    Some(i) => i,
                    None => {
                        self.axes.push(Axes::new(spec));
                        self.axes.len() - 1
                    }
                }
            }
        };
        self.current = Some(i);
        &mut self.axes[i]
    }

    /// All axes, in creation order.
    pub fn axes(&self) -> &[Axes] {
        &self.axes
    }

    /// True until some axes exist (axes with only a title count as
    /// content: they draw a frame).
    pub fn is_empty(&self) -> bool {
        self.axes.is_empty()
    }

    /// Removes all axes (matplotlib's `clf()`); the size is kept.
    pub fn clear(&mut self) {
        self.axes.clear();
        self.current = None;
        self.suptitle = None;
    }

    fn checked_size(&self) -> Result<(u32, u32), PlotError> {
        let ok = |v: u32| (1..=MAX_FIGURE_SIDE).contains(&v);
        if ok(self.width) && ok(self.height) {
            Ok((self.width, self.height))
        } else {
            Err(PlotError::InvalidArgument(format!(
                "figure size {}x{} px: each side must be 1..={MAX_FIGURE_SIDE}",
                self.width, self.height
            )))
        }
    }

    /// Writes the figure to `path`, as PNG or SVG according to the
    /// extension (case-insensitive). Other extensions give
    /// [`PlotError::UnsupportedFormat`]; a missing directory or an
    /// unwritable file gives [`PlotError::Io`].
    pub fn save(&self, path: &Path) -> Result<(), PlotError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "png" => self.save_png(path),
            "svg" => std::fs::write(path, self.to_svg()?).map_err(PlotError::Io),
            _ => Err(PlotError::UnsupportedFormat(path.display().to_string())),
        }
    }

    fn save_png(&self, path: &Path) -> Result<(), PlotError> {
        let (w, h) = self.checked_size()?;
        // Fail with an I/O error (rather than an opaque encoder one) when
        // the file cannot be created.
        std::fs::File::create(path).map_err(PlotError::Io)?;
        let area = BitMapBackend::new(path, (w, h)).into_drawing_area();
        render_figure(self, &area, false)
    }

    /// The figure as an SVG document.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let (w, h) = self.checked_size()?;
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            render_figure(self, &area, true)?;
        }
        Ok(out)
    }

    /// The figure rendered to memory: `width * height` RGB pixels, row by
    /// row from the top left, 3 bytes each.
    pub fn to_rgb(&self) -> Result<Vec<u8>, PlotError> {
        let (w, h) = self.checked_size()?;
        let mut buf = vec![255u8; w as usize * h as usize * 3];
        {
            let backend = BitMapBackend::with_buffer(&mut buf, (w, h));
            let area = backend.into_drawing_area();
            render_figure(self, &area, false)?;
        }
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subplots_are_reused_and_validated() {
        let mut fig = Figure::new();
        assert!(fig.is_empty());
        fig.subplot(2, 1, 1).unwrap().title("top");
        fig.subplot(2, 2, 3).unwrap();
        assert_eq!(fig.axes().len(), 2);
        assert_eq!(fig.subplot_code(211).unwrap().get_title(), Some("top"));
        assert_eq!(fig.current_axes().get_title(), Some("top"));
        assert_eq!(fig.axes().len(), 2);
        for (r, c, i) in [
            (0, 1, 1),
            (1, 0, 1),
            (2, 2, 0),
            (2, 2, 5),
            (usize::MAX, 2, 1),
        ] {
            assert!(fig.subplot(r, c, i).is_err(), "{r} {c} {i}");
        }
        assert!(fig.subplot_code(110).is_err());
        assert!(fig.subplot_code(1000).is_err());
        fig.clear();
        assert!(fig.is_empty());
        fig.current_axes().title("x");
        assert_eq!(fig.axes().len(), 1);
    }

    #[test]
    fn bad_sizes_and_extensions_are_errors() {
        let mut fig = Figure::new();
        assert!(matches!(
            fig.save(Path::new("figure.pdf")),
            Err(PlotError::UnsupportedFormat(_))
        ));
        assert!(matches!(
            fig.save(Path::new("figure")),
            Err(PlotError::UnsupportedFormat(_))
        ));
        fig.set_size(0, 10);
        assert!(matches!(fig.to_svg(), Err(PlotError::InvalidArgument(_))));
        fig.set_size(10, MAX_FIGURE_SIDE + 1);
        assert!(fig.to_rgb().is_err());
    }

    #[test]
    fn tiny_figures_render() {
        let mut fig = Figure::new();
        fig.set_size(1, 1);
        fig.current_axes()
            .plot(vec![0.0, 1.0], vec![0.0, 1.0], Default::default())
            .unwrap();
        fig.current_axes().title("t");
        assert_eq!(fig.to_rgb().unwrap().len(), 3);
        fig.set_size(30, 20);
        fig.current_axes().legend();
        assert!(fig.to_svg().unwrap().starts_with("<svg"));
    }
}
