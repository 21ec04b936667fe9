//! One set of axes: the artists drawn in it, labels and axis limits.

use super::color::{Color, Colormap};
use super::style::{LinePattern, LineStyle, Marker};
use super::PlotError;

/// Where an axes sits in its figure: subplot `index` (1-based, row-major)
/// of a `rows` x `cols` grid, spanning to cell `last` (`== index` for one cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubplotSpec {
    pub rows: usize,
    pub cols: usize,
    pub index: usize,
    pub last: usize,
}

impl SubplotSpec {
    pub(crate) fn cell(rows: usize, cols: usize, index: usize) -> Self {
        SubplotSpec {
            rows,
            cols,
            index,
            last: index,
        }
    }

    /// 0-based (first row, last row, first column, last column) covered.
    pub(crate) fn span(&self) -> (usize, usize, usize, usize) {
        let c = self.cols.max(1);
        let (a, b) = (self.index.max(1) - 1, self.last.max(self.index).max(1) - 1);
        let (r0, r1) = (a / c, b / c);
        let (c0, c1) = ((a % c).min(b % c), (a % c).max(b % c));
        (r0, r1, c0, c1)
    }
}

/// How an axis maps data to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    /// Base 10; values <= 0 are not drawn.
    Log,
}

/// Where the legend goes: matplotlib's `loc` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegendLoc {
    /// The place (of the nine others, in matplotlib's order) covering the least data.
    #[default]
    Best,
    UpperRight,
    UpperLeft,
    LowerLeft,
    LowerRight,
    Right,
    CenterLeft,
    CenterRight,
    LowerCenter,
    UpperCenter,
    Center,
}

impl LegendLoc {
    /// From matplotlib's names ("upper right", "best", ...) or codes ("0".."10").
    pub fn parse(s: &str) -> Option<LegendLoc> {
        use LegendLoc::*;
        Some(match s.trim() {
            "best" | "0" => Best,
            "upper right" | "1" => UpperRight,
            "upper left" | "2" => UpperLeft,
            "lower left" | "3" => LowerLeft,
            "lower right" | "4" => LowerRight,
            "right" | "5" => Right,
            "center left" | "6" => CenterLeft,
            "center right" | "7" => CenterRight,
            "lower center" | "8" => LowerCenter,
            "upper center" | "9" => UpperCenter,
            "center" | "10" => Center,
            _ => return None,
        })
    }

    /// Horizontal and vertical position of the box in the axes, 0..1 from the lower left.
    pub(crate) fn anchor(self) -> (f64, f64) {
        use LegendLoc::*;
        match self {
            Best | UpperRight => (1.0, 1.0),
            UpperLeft => (0.0, 1.0),
            LowerLeft => (0.0, 0.0),
            LowerRight => (1.0, 0.0),
            Right | CenterRight => (1.0, 0.5),
            CenterLeft => (0.0, 0.5),
            LowerCenter => (0.5, 0.0),
            UpperCenter => (0.5, 1.0),
            Center => (0.5, 0.5),
        }
    }

    /// The candidates `Best` tries, in matplotlib's order.
    pub(crate) const CANDIDATES: [LegendLoc; 10] = [
        LegendLoc::UpperRight,
        LegendLoc::UpperLeft,
        LegendLoc::LowerLeft,
        LegendLoc::LowerRight,
        LegendLoc::Right,
        LegendLoc::CenterLeft,
        LegendLoc::CenterRight,
        LegendLoc::LowerCenter,
        LegendLoc::UpperCenter,
        LegendLoc::Center,
    ];
}

/// Horizontal alignment of a text artist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HAlign {
    #[default]
    Left,
    Center,
    Right,
}

/// Vertical alignment of a text artist (matplotlib's `va`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextVAlign {
    #[default]
    Baseline,
    Bottom,
    Center,
    Top,
}

/// Options of [`Axes::text`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextOptions {
    /// Points (matplotlib's default 10).
    pub fontsize: f64,
    pub color: Color,
    pub ha: HAlign,
    pub va: TextVAlign,
    /// `true`: x and y are fractions of the axes box (`transform=ax.transAxes`).
    pub axes_coords: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            fontsize: 10.0,
            color: Color::BLACK,
            ha: HAlign::Left,
            va: TextVAlign::Baseline,
            axes_coords: false,
        }
    }
}

/// Options of [`Axes::imshow_with`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ImageOptions {
    /// `false` (matplotlib's default `origin='upper'`): row 0 at the top,
    /// the y axis increasing downwards. `true`: row 0 at the bottom.
    pub origin_lower: bool,
    /// Draw a colour bar to the right of the image.
    pub colorbar: bool,
    pub cmap: Colormap,
    /// Value mapped to the bottom of the colour map (default: data minimum).
    pub vmin: Option<f64>,
    /// Value mapped to the top of the colour map (default: data maximum).
    pub vmax: Option<f64>,
}

/// The unit an axis shows its numbers in, chosen by the first data with units plotted on
/// it, so that later data of the same kind are converted to the same unit. The plot module
/// does not know about units: `key` only tells kinds apart (callers use the SI dimension),
/// `factor` is the size of the unit in whatever base the caller uses.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisUnit {
    pub key: String,
    /// As shown in labels: `"ms"`.
    pub text: String,
    pub factor: f64,
    /// Chosen to suit the data (the caller's choice, not the user's): a label the user
    /// sets on the axis may ask for the base unit instead, see
    /// [`Axes::rescale_axis`].
    pub auto: bool,
}

/// What produced a series; decides autoscaling and default marker sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeriesKind {
    Plot,
    Scatter,
    Raster,
}

#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub kind: SeriesKind,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub color: Color,
    pub pattern: LinePattern,
    pub marker: Option<Marker>,
    /// Points.
    pub linewidth: f64,
    /// Points.
    pub markersize: f64,
    pub label: Option<String>,
    pub alpha: f64,
    /// Marker edge and face colours when given (`None` inside: `'none'`).
    pub mec: Option<Option<Color>>,
    pub mfc: Option<Option<Color>>,
    /// Marker edge width, points.
    pub mew: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct RefLine {
    /// `true`: horizontal line at `value` (y); `false`: vertical (x).
    pub horizontal: bool,
    pub value: f64,
    pub color: Color,
    pub pattern: LinePattern,
    pub linewidth: f64,
    pub label: Option<String>,
    pub alpha: f64,
    /// The part of the axes the line covers, fractions 0..1 (`xmin`, `xmax` of axhline).
    pub span: (f64, f64),
}

/// Line segments in data coordinates (`vlines`, `hlines`, error bars).
#[derive(Debug, Clone)]
pub(crate) struct Segments {
    pub segs: Vec<((f64, f64), (f64, f64))>,
    pub color: Color,
    pub pattern: LinePattern,
    pub linewidth: f64,
    pub alpha: f64,
    pub label: Option<String>,
}

/// The area between two curves (`fill_between`).
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    pub x: Vec<f64>,
    pub y1: Vec<f64>,
    pub y2: Vec<f64>,
    pub color: Color,
    pub alpha: f64,
    pub label: Option<String>,
}

/// A text at a point (`text`).
#[derive(Debug, Clone)]
pub(crate) struct TextArtist {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub opts: TextOptions,
}

#[derive(Debug, Clone)]
pub(crate) struct Image {
    /// Row-major, `nrows * ncols` values.
    pub data: Vec<f64>,
    pub nrows: usize,
    pub ncols: usize,
    pub opts: ImageOptions,
    /// Text beside the colour bar (the values' unit, say).
    pub label: Option<String>,
}

impl Image {
    /// The value range mapped onto the colour map: the explicit limits or
    /// the finite data range; `None` when there is nothing finite.
    pub fn clim(&self) -> Option<(f64, f64)> {
        let (dlo, dhi) = finite_range(self.data.iter().copied())?;
        let lo = self.opts.vmin.filter(|v| v.is_finite()).unwrap_or(dlo);
        let hi = self.opts.vmax.filter(|v| v.is_finite()).unwrap_or(dhi);
        Some((lo, hi))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Hist {
    /// `counts.len() + 1` increasing bin edges.
    pub edges: Vec<f64>,
    pub counts: Vec<usize>,
    pub color: Color,
    pub alpha: f64,
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Artist {
    Series(Series),
    RefLine(RefLine),
    Image(Image),
    Hist(Hist),
    Segments(Segments),
    Fill(Fill),
    Text(TextArtist),
}

/// Data limits of one artist along one axis, and "sticky" values the
/// automatic margins must not cross (matplotlib's sticky edges).
#[derive(Debug, Clone, Default)]
pub(crate) struct AxisExtent {
    range: Option<(f64, f64)>,
    sticky: Vec<f64>,
}

/// One set of axes, created by [`Figure::subplot`](super::Figure::subplot).
///
/// Data methods take plain `f64` vectors. Non-finite values (NaN, ±inf)
/// are never drawn: a non-finite point is skipped and breaks a line in two.
/// Methods taking two coordinate vectors return
/// [`PlotError::LengthMismatch`] (and add nothing) when their lengths
/// differ.
#[derive(Debug, Clone)]
pub struct Axes {
    pub(crate) spec: SubplotSpec,
    pub(crate) artists: Vec<Artist>,
    pub(crate) title: Option<String>,
    pub(crate) xlabel: Option<String>,
    pub(crate) ylabel: Option<String>,
    /// The y label drawn horizontally (matplotlib's `rotation="horizontal"`), to the left
    /// of the tick labels, instead of rotated along the axis.
    pub(crate) ylabel_horizontal: bool,
    /// Per axis (x, y): when tick labels take a `1eN` multiplier (matplotlib's
    /// `scilimits`), `None` for plain numbers (`ticklabel_format(style="plain")`).
    pub(crate) sci_limits: [Option<(i32, i32)>; 2],
    xlim: Option<(f64, f64)>,
    ylim: Option<(f64, f64)>,
    pub(crate) legend: bool,
    equal_aspect: Option<bool>,
    cycle: usize,
    /// Units of the x and y axes.
    units: [Option<AxisUnit>; 2],
    /// Whether the x and y labels are defaults (from data), which data may replace.
    default_labels: [bool; 2],
    pub(crate) scale: [Scale; 2],
    /// Tick positions given with `set_xticks` (empty: no ticks), and their labels.
    pub(crate) ticks: [Option<Vec<f64>>; 2],
    pub(crate) tick_text: [Option<Vec<String>>; 2],
    /// Whether tick labels are drawn (shared axes hide inner ones).
    pub(crate) tick_labels_shown: [bool; 2],
    /// Left, bottom, right, top spines drawn.
    pub(crate) spines: [bool; 4],
    /// `axis('off')` hides spines, ticks and axis labels.
    pub(crate) axis_on: bool,
    pub(crate) legend_loc: LegendLoc,
    /// The axes (index in the figure) whose x / y limits these share.
    pub(crate) share: [Option<usize>; 2],
    /// A `twinx()` axes: its y axis is on the right, its x axis not drawn.
    pub(crate) twin: bool,
    /// The axes a twin is drawn over.
    pub(crate) twin_parent: Option<usize>,
    /// matplotlib's `axis('equal')`: limits widened to square data units.
    pub(crate) equal_datalim: bool,
    /// Colour cycle of patches (fill_between), separate from the lines' as in matplotlib.
    patch_cycle: usize,
}

/// matplotlib's default line width and marker size, in points.
const LINEWIDTH: f64 = 1.5;
const MARKERSIZE: f64 = 6.0;
/// Relative margin added around autoscaled data (matplotlib's 5%).
const MARGIN: f64 = 0.05;

impl Axes {
    pub(crate) fn new(spec: SubplotSpec) -> Self {
        Axes {
            spec,
            artists: Vec::new(),
            title: None,
            xlabel: None,
            ylabel: None,
            ylabel_horizontal: false,
            sci_limits: [Some(super::ticks::DEFAULT_SCI_LIMITS); 2],
            xlim: None,
            ylim: None,
            legend: false,
            equal_aspect: None,
            cycle: 0,
            units: [None, None],
            default_labels: [false, false],
            scale: [Scale::Linear; 2],
            ticks: [None, None],
            tick_text: [None, None],
            tick_labels_shown: [true, true],
            spines: [true; 4],
            axis_on: true,
            legend_loc: LegendLoc::Best,
            share: [None, None],
            twin: false,
            twin_parent: None,
            equal_datalim: false,
            patch_cycle: 0,
        }
    }

    fn next_color(&mut self, given: Option<Color>) -> Color {
        given.unwrap_or_else(|| {
            let c = Color::cycle(self.cycle);
            self.cycle += 1;
            c
        })
    }

    fn push_series(
        &mut self,
        kind: SeriesKind,
        x: Vec<f64>,
        y: Vec<f64>,
        style: LineStyle,
    ) -> Result<(), PlotError> {
        if x.len() != y.len() {
            return Err(PlotError::LengthMismatch {
                x: x.len(),
                y: y.len(),
            });
        }
        let color = self.next_color(style.color);
        let (pattern, marker) = match kind {
            SeriesKind::Plot => (style.linestyle, style.marker),
            SeriesKind::Scatter => (
                LinePattern::None,
                Some(style.marker.unwrap_or(Marker::Circle)),
            ),
            SeriesKind::Raster => (
                LinePattern::None,
                Some(style.marker.unwrap_or(Marker::Point)),
            ),
        };
        self.artists.push(Artist::Series(Series {
            kind,
            x,
            y,
            color,
            pattern,
            marker,
            linewidth: positive_or(style.linewidth, LINEWIDTH),
            markersize: positive_or(style.markersize, MARKERSIZE),
            label: style.label,
            alpha: unit_alpha(style.alpha),
            mec: style.mec,
            mfc: style.mfc,
            mew: positive_or(style.mew, 1.0),
        }));
        Ok(())
    }

    /// A line through the points (`x[i]`, `y[i]`), like `plot(x, y)`.
    /// The style may add markers or turn the line off
    /// ([`LinePattern::None`]).
    pub fn plot(&mut self, x: Vec<f64>, y: Vec<f64>, style: LineStyle) -> Result<(), PlotError> {
        self.push_series(SeriesKind::Plot, x, y, style)
    }

    /// Unconnected markers (circles unless the style names a marker), like
    /// `scatter(x, y)`. The style's line pattern is ignored.
    pub fn scatter(&mut self, x: Vec<f64>, y: Vec<f64>, style: LineStyle) -> Result<(), PlotError> {
        self.push_series(SeriesKind::Scatter, x, y, style)
    }

    /// A spike raster like Brian 1's `raster_plot`: one small dot per spike
    /// at (`times_ms[i]`, `indices[i]`), in the next cycle colour.
    /// Autoscaling runs x from 0 to the last spike time and y from 0 to the
    /// largest index + 1, without margins (set [`xlim`](Self::xlim) to show
    /// the whole simulated duration). See also [`default_raster_labels`].
    pub fn raster(&mut self, times_ms: Vec<f64>, indices: Vec<f64>) -> Result<(), PlotError> {
        self.raster_styled(times_ms, indices, LineStyle::default())
    }

    /// [`raster`](Self::raster) with a colour, label, marker or marker size.
    pub fn raster_styled(
        &mut self,
        times_ms: Vec<f64>,
        indices: Vec<f64>,
        style: LineStyle,
    ) -> Result<(), PlotError> {
        self.push_series(SeriesKind::Raster, times_ms, indices, style)
    }

    fn push_refline(&mut self, horizontal: bool, value: f64, style: LineStyle) {
        let pattern = match style.linestyle {
            LinePattern::None => LinePattern::Solid,
            p => p,
        };
        self.artists.push(Artist::RefLine(RefLine {
            horizontal,
            value,
            color: style.color.unwrap_or(Color::BLACK),
            pattern,
            linewidth: positive_or(style.linewidth, 1.0),
            label: style.label,
            alpha: unit_alpha(style.alpha),
            span: (0.0, 1.0),
        }));
    }

    /// matplotlib's `axhline(y, xmin, xmax)` (`horizontal`) or `axvline(x, ymin, ymax)`:
    /// a line across the fraction `span` of the axes, in the style's colour or `C0`,
    /// 1.5 pt wide unless given.
    pub fn axline(&mut self, horizontal: bool, value: f64, span: (f64, f64), style: LineStyle) {
        let style = LineStyle {
            color: Some(style.color.unwrap_or(Color::cycle(0))),
            linewidth: Some(positive_or(style.linewidth, LINEWIDTH)),
            ..style
        };
        self.push_refline(horizontal, value, style);
        if let Some(Artist::RefLine(l)) = self.artists.last_mut() {
            l.span = span;
        }
    }

    /// Line segments from (`x0[i]`, `y0[i]`) to (`x1[i]`, `y1[i]`): matplotlib's
    /// `vlines(x, ymin, ymax)` and `hlines(y, xmin, xmax)` (callers repeat scalars). The
    /// colour is the style's or `C0` (matplotlib's `lines.color`), not the next of the
    /// cycle; the width 1.5 pt unless given. Lengths must agree.
    pub fn segments(
        &mut self,
        x0: Vec<f64>,
        y0: Vec<f64>,
        x1: Vec<f64>,
        y1: Vec<f64>,
        style: LineStyle,
    ) -> Result<(), PlotError> {
        let n = x0.len();
        for v in [&y0, &x1, &y1] {
            if v.len() != n {
                return Err(PlotError::LengthMismatch { x: n, y: v.len() });
            }
        }
        let segs = (0..n).map(|i| ((x0[i], y0[i]), (x1[i], y1[i]))).collect();
        self.artists.push(Artist::Segments(Segments {
            segs,
            color: style.color.unwrap_or(Color::cycle(0)),
            pattern: match style.linestyle {
                LinePattern::None => LinePattern::Solid,
                p => p,
            },
            linewidth: positive_or(style.linewidth, LINEWIDTH),
            alpha: unit_alpha(style.alpha),
            label: style.label,
        }));
        Ok(())
    }

    /// matplotlib's `fill_between(x, y1, y2)`: the area between the curves, in the
    /// colour given or the next of the patch cycle (which is separate from the lines').
    /// Non-finite points break the area. Lengths must agree.
    pub fn fill_between(
        &mut self,
        x: Vec<f64>,
        y1: Vec<f64>,
        y2: Vec<f64>,
        color: Option<Color>,
        alpha: Option<f64>,
        label: Option<String>,
    ) -> Result<(), PlotError> {
        for v in [&y1, &y2] {
            if v.len() != x.len() {
                return Err(PlotError::LengthMismatch {
                    x: x.len(),
                    y: v.len(),
                });
            }
        }
        let color = color.unwrap_or_else(|| {
            let c = Color::cycle(self.patch_cycle);
            self.patch_cycle += 1;
            c
        });
        self.artists.push(Artist::Fill(Fill {
            x,
            y1,
            y2,
            color,
            alpha: unit_alpha(alpha),
            label,
        }));
        Ok(())
    }

    /// matplotlib's `errorbar(x, y, yerr, xerr, fmt)`: the data drawn with `style` (a
    /// line by default; a `fmt` of `"o"` gives markers only) in the next cycle colour,
    /// and error bars from `y - yerr.0` to `y + yerr.1` (and likewise along x) in the
    /// same colour (`ecolor` if given), with caps `capsize` points wide (0: none).
    #[allow(clippy::too_many_arguments)]
    pub fn errorbar(
        &mut self,
        x: Vec<f64>,
        y: Vec<f64>,
        yerr: Option<(Vec<f64>, Vec<f64>)>,
        xerr: Option<(Vec<f64>, Vec<f64>)>,
        style: LineStyle,
        ecolor: Option<Color>,
        capsize: f64,
    ) -> Result<(), PlotError> {
        let n = x.len();
        if y.len() != n {
            return Err(PlotError::LengthMismatch { x: n, y: y.len() });
        }
        for e in [&yerr, &xerr].into_iter().flatten() {
            for v in [&e.0, &e.1] {
                if v.len() != n {
                    return Err(PlotError::InvalidArgument(format!(
                        "errorbar: {n} points but {} errors",
                        v.len()
                    )));
                }
            }
        }
        let color = self.next_color(style.color);
        let ecolor = ecolor.unwrap_or(color);
        let lw = positive_or(style.linewidth, LINEWIDTH);
        let mut segs = Vec::new();
        let mut caps = Vec::new();
        let cap = capsize.max(0.0);
        if let Some((lo, hi)) = &yerr {
            for i in 0..n {
                let (a, b) = (y[i] - lo[i], y[i] + hi[i]);
                segs.push(((x[i], a), (x[i], b)));
                if cap > 0.0 {
                    caps.push((x[i], a, true));
                    caps.push((x[i], b, true));
                }
            }
        }
        if let Some((lo, hi)) = &xerr {
            for i in 0..n {
                let (a, b) = (x[i] - lo[i], x[i] + hi[i]);
                segs.push(((a, y[i]), (b, y[i])));
                if cap > 0.0 {
                    caps.push((a, y[i], false));
                    caps.push((b, y[i], false));
                }
            }
        }
        self.artists.push(Artist::Segments(Segments {
            segs,
            color: ecolor,
            pattern: LinePattern::Solid,
            linewidth: lw,
            alpha: unit_alpha(style.alpha),
            label: None,
        }));
        if !caps.is_empty() {
            // Caps are markers: '_' on vertical bars, '|' on horizontal ones.
            for vertical in [true, false] {
                let (cx, cy): (Vec<f64>, Vec<f64>) = caps
                    .iter()
                    .filter(|c| c.2 == vertical)
                    .map(|c| (c.0, c.1))
                    .unzip();
                if cx.is_empty() {
                    continue;
                }
                let marker = if vertical {
                    Marker::HLine
                } else {
                    Marker::VLine
                };
                self.artists.push(Artist::Series(Series {
                    kind: SeriesKind::Plot,
                    x: cx,
                    y: cy,
                    color: ecolor,
                    pattern: LinePattern::None,
                    marker: Some(marker),
                    linewidth: lw,
                    markersize: 2.0 * cap,
                    label: None,
                    alpha: unit_alpha(style.alpha),
                    mec: None,
                    mfc: None,
                    mew: lw,
                }));
            }
        }
        let style = style.with_color(color);
        self.push_series(SeriesKind::Plot, x, y, style)
    }

    /// matplotlib's `text(x, y, s)`: `s` (mathtext allowed) anchored at (`x`, `y`) in
    /// data coordinates, or in fractions of the axes with `opts.axes_coords`. Text is not
    /// clipped to the axes and does not change the limits.
    pub fn text(&mut self, x: f64, y: f64, s: &str, opts: TextOptions) {
        self.artists.push(Artist::Text(TextArtist {
            x,
            y,
            text: s.to_string(),
            opts,
        }));
    }

    /// Log or linear scale of the x (`x == true`) or y axis.
    pub fn set_scale(&mut self, x: bool, scale: Scale) {
        self.scale[usize::from(!x)] = scale;
    }

    pub fn get_scale(&self, x: bool) -> Scale {
        self.scale[usize::from(!x)]
    }

    /// Fixed tick positions (`set_xticks`); an empty list removes the ticks. `labels`
    /// (as many as positions) replace the numbers.
    pub fn set_ticks(
        &mut self,
        x: bool,
        positions: Vec<f64>,
        labels: Option<Vec<String>>,
    ) -> Result<(), PlotError> {
        if let Some(l) = &labels {
            if l.len() != positions.len() {
                return Err(PlotError::InvalidArgument(format!(
                    "{} tick positions but {} labels",
                    positions.len(),
                    l.len()
                )));
            }
        }
        let k = usize::from(!x);
        self.ticks[k] = Some(positions);
        self.tick_text[k] = labels;
        Ok(())
    }

    /// Shows or hides the tick labels of one axis (the ticks stay).
    pub fn show_tick_labels(&mut self, x: bool, shown: bool) {
        self.tick_labels_shown[usize::from(!x)] = shown;
    }

    /// Shows or hides a spine: `"left"`, `"bottom"`, `"right"` or `"top"`.
    pub fn set_spine_visible(&mut self, which: &str, visible: bool) -> Result<(), PlotError> {
        let k = match which {
            "left" => 0,
            "bottom" => 1,
            "right" => 2,
            "top" => 3,
            _ => {
                return Err(PlotError::InvalidArgument(format!(
                    "unknown spine '{which}': use 'left', 'bottom', 'right' or 'top'"
                )))
            }
        };
        self.spines[k] = visible;
        Ok(())
    }

    /// `axis('off')` (`false`) hides the spines, ticks, tick labels and axis labels;
    /// the title and the data stay. `axis('on')` brings them back.
    pub fn set_axis_on(&mut self, on: bool) {
        self.axis_on = on;
    }

    /// matplotlib's `axis('equal')`: the box keeps its size and the limits widen so that
    /// one unit is as long on both axes.
    pub fn set_equal_datalim(&mut self, on: bool) {
        self.equal_datalim = on;
    }

    pub fn set_legend_loc(&mut self, loc: LegendLoc) {
        self.legend_loc = loc;
    }

    /// Gives the first lines (and other labelled kinds: fills, segments, bars) these
    /// legend labels in drawing order, as `legend(["a", "b"])`.
    pub fn set_legend_labels(&mut self, labels: Vec<String>) {
        let mut it = labels.into_iter();
        for a in &mut self.artists {
            let slot = match a {
                Artist::Series(s) => &mut s.label,
                Artist::RefLine(l) => &mut l.label,
                Artist::Segments(s) => &mut s.label,
                Artist::Fill(f) => &mut f.label,
                Artist::Hist(h) => &mut h.label,
                _ => continue,
            };
            match it.next() {
                Some(l) => *slot = Some(l),
                None => break,
            }
        }
    }

    /// Colour, opacity and legend label of the last histogram drawn.
    pub fn style_last_hist(
        &mut self,
        color: Option<Color>,
        alpha: Option<f64>,
        label: Option<String>,
    ) {
        if let Some(Artist::Hist(h)) = self
            .artists
            .iter_mut()
            .rev()
            .find(|a| matches!(a, Artist::Hist(_)))
        {
            if let Some(c) = color {
                h.color = c;
            }
            h.alpha = unit_alpha(alpha);
            if label.is_some() {
                h.label = label;
            }
        }
    }

    /// A horizontal line across the whole axes at `y` (matplotlib's
    /// `axhline`), e.g. a boundary between neuron groups in a raster.
    /// Black, 1 pt wide, solid unless the style says otherwise; it does not
    /// take a colour from the cycle. `y` counts for the y autoscaling only.
    /// A non-finite `y` draws nothing.
    pub fn hline(&mut self, y: f64, style: LineStyle) {
        self.push_refline(true, y, style);
    }

    /// A vertical line across the whole axes at `x` (`axvline`); see
    /// [`hline`](Self::hline).
    pub fn vline(&mut self, x: f64, style: LineStyle) {
        self.push_refline(false, x, style);
    }

    /// A 2-D array as an image, like `imshow(rows, interpolation='nearest')`
    /// with the viridis colour map: cell (`r`, `c`) covers
    /// `c - 0.5 .. c + 0.5` on x and `r - 0.5 .. r + 0.5` on y (so the y
    /// axis is the row index). With `origin_lower == false` (matplotlib's
    /// default) row 0 is at the top. The axes get an equal aspect ratio
    /// (square cells) unless [`set_equal_aspect`](Self::set_equal_aspect)
    /// says otherwise. Rows of different lengths are an error; NaN cells are
    /// left blank.
    pub fn imshow(
        &mut self,
        rows: Vec<Vec<f64>>,
        origin_lower: bool,
        colorbar: bool,
    ) -> Result<(), PlotError> {
        self.imshow_with(
            rows,
            ImageOptions {
                origin_lower,
                colorbar,
                ..ImageOptions::default()
            },
        )
    }

    /// [`imshow`](Self::imshow) with a colour map and colour limits.
    pub fn imshow_with(
        &mut self,
        rows: Vec<Vec<f64>>,
        opts: ImageOptions,
    ) -> Result<(), PlotError> {
        let nrows = rows.len();
        let ncols = rows.first().map_or(0, Vec::len);
        if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != ncols) {
            return Err(PlotError::InvalidArgument(format!(
                "imshow: row {i} has {} values, row 0 has {ncols}",
                r.len()
            )));
        }
        let data: Vec<f64> = rows.into_iter().flatten().collect();
        self.artists.push(Artist::Image(Image {
            data,
            nrows,
            ncols,
            opts,
            label: None,
        }));
        Ok(())
    }

    /// A histogram of the finite `values` in `bins` equal bins spanning
    /// their range (like `hist(values, bins)`; matplotlib's default is 10),
    /// drawn as filled bars in the next cycle colour. `bins == 0` is an
    /// error; no finite values draws nothing.
    /// A histogram over given bin edges, as numpy's `histogram(values, bins=edges)`: each
    /// bin `[a, b)` half open but the last `[a, b]`; values outside the edges not counted.
    pub fn hist_edges(&mut self, values: Vec<f64>, edges: Vec<f64>) -> Result<(), PlotError> {
        if edges.len() < 2 || edges.windows(2).any(|w| !(w[0] < w[1])) {
            return Err(PlotError::InvalidArgument(
                "hist: bin edges must be at least two increasing numbers".into(),
            ));
        }
        let color = self.next_color(None);
        let (lo, hi) = (edges[0], edges[edges.len() - 1]);
        let mut counts = vec![0usize; edges.len() - 1];
        for v in values.into_iter().filter(|v| (lo..=hi).contains(v)) {
            let k = edges.partition_point(|&e| e <= v).saturating_sub(1);
            counts[k.min(edges.len() - 2)] += 1;
        }
        self.artists.push(Artist::Hist(Hist {
            edges,
            counts,
            color,
            alpha: 1.0,
            label: None,
        }));
        Ok(())
    }

    pub fn hist(&mut self, values: Vec<f64>, bins: usize) -> Result<(), PlotError> {
        if bins == 0 {
            return Err(PlotError::InvalidArgument(
                "hist: bins must be at least 1".into(),
            ));
        }
        let color = self.next_color(None);
        let Some((mut lo, mut hi)) = finite_range(values.iter().copied()) else {
            self.artists.push(Artist::Hist(Hist {
                edges: Vec::new(),
                counts: Vec::new(),
                color,
                alpha: 1.0,
                label: None,
            }));
            return Ok(());
        };
        if hi <= lo {
            // numpy's choice for a single value: a unit range around it.
            lo -= 0.5;
            hi += 0.5;
        }
        let width = (hi - lo) / bins as f64;
        let edges: Vec<f64> = (0..=bins)
            .map(|i| if i == bins { hi } else { lo + width * i as f64 })
            .collect();
        let mut counts = vec![0usize; bins];
        for v in values.into_iter().filter(|v| v.is_finite()) {
            let k = ((v - lo) / width).floor();
            let k = if k.is_finite() && k > 0.0 {
                k as usize
            } else {
                0
            };
            counts[k.min(bins - 1)] += 1;
        }
        self.artists.push(Artist::Hist(Hist {
            edges,
            counts,
            color,
            alpha: 1.0,
            label: None,
        }));
        Ok(())
    }

    /// Labels the colour bar of the last image drawn (e.g. with the values' unit); does
    /// nothing when there is no image.
    pub fn colorbar_label(&mut self, s: &str) {
        if let Some(Artist::Image(im)) = self
            .artists
            .iter_mut()
            .rev()
            .find(|a| matches!(a, Artist::Image(_)))
        {
            im.label = Some(s.to_string());
        }
    }

    pub fn title(&mut self, s: &str) {
        self.title = Some(s.to_string());
    }

    pub fn xlabel(&mut self, s: &str) {
        self.xlabel = Some(s.to_string());
        self.default_labels[0] = false;
    }

    pub fn ylabel(&mut self, s: &str) {
        self.ylabel = Some(s.to_string());
        self.default_labels[1] = false;
    }

    /// matplotlib's `ticklabel_format` for the x (`x == true`) or y axis: `None` for plain
    /// numbers, `Some((m, n))` for a `1eN` multiplier outside `10^m .. 10^n`.
    pub fn sci_limits(&mut self, x: bool, limits: Option<(i32, i32)>) {
        self.sci_limits[usize::from(!x)] = limits;
    }

    /// Draws the y label horizontally (`true`) or along the axis (`false`, the default).
    pub fn ylabel_horizontal(&mut self, horizontal: bool) {
        self.ylabel_horizontal = horizontal;
    }

    /// Sets the x (`x == true`) or y label from the data, unless the user set one
    /// (with [`xlabel`](Self::xlabel) or [`ylabel`](Self::ylabel)); a default label is
    /// replaced by the next default.
    pub fn default_label(&mut self, x: bool, s: &str) {
        let k = usize::from(!x);
        let label = if x {
            &mut self.xlabel
        } else {
            &mut self.ylabel
        };
        if label.is_none() || self.default_labels[k] {
            *label = Some(s.to_string());
            self.default_labels[k] = true;
        }
    }

    /// Multiplies every coordinate along x (`x == true`) or y by `k`: the data's
    /// positions, explicit limits and tick positions, so the axis shows the same data in
    /// a unit `k` times smaller. Images (drawn in cells) and histogram counts (y) keep
    /// theirs.
    pub fn rescale_axis(&mut self, x: bool, k: f64) {
        let scale = |v: &mut Vec<f64>| v.iter_mut().for_each(|a| *a *= k);
        for a in &mut self.artists {
            match a {
                Artist::Series(s) => scale(if x { &mut s.x } else { &mut s.y }),
                Artist::RefLine(r) => {
                    if r.horizontal != x {
                        r.value *= k;
                    }
                }
                Artist::Image(_) => {}
                Artist::Hist(h) => {
                    if x {
                        scale(&mut h.edges);
                    }
                }
                Artist::Segments(s) => {
                    for (p, q) in &mut s.segs {
                        if x {
                            p.0 *= k;
                            q.0 *= k;
                        } else {
                            p.1 *= k;
                            q.1 *= k;
                        }
                    }
                }
                Artist::Fill(f) => {
                    if x {
                        scale(&mut f.x);
                    } else {
                        scale(&mut f.y1);
                        scale(&mut f.y2);
                    }
                }
                Artist::Text(t) => {
                    if !t.opts.axes_coords {
                        if x {
                            t.x *= k;
                        } else {
                            t.y *= k;
                        }
                    }
                }
            }
        }
        let lim = if x { &mut self.xlim } else { &mut self.ylim };
        if let Some((a, b)) = lim {
            *a *= k;
            *b *= k;
        }
        if let Some(t) = &mut self.ticks[usize::from(!x)] {
            scale(t);
        }
    }

    /// Whether the x (`x == true`) or y label is a default from the data (or absent), so
    /// [`default_label`](Self::default_label) would replace it.
    pub fn label_is_default(&self, x: bool) -> bool {
        let set = if x { &self.xlabel } else { &self.ylabel };
        set.is_none() || self.default_labels[usize::from(!x)]
    }

    /// The x (`x == true`) or y label to draw: none for a default label (from the data's
    /// units) on an axis whose tick labels a shared neighbour shows instead, as
    /// matplotlib's `label_outer` leaves inner axes unlabelled.
    pub(crate) fn shown_label(&self, x: bool) -> Option<&str> {
        let k = usize::from(!x);
        let label = if x { &self.xlabel } else { &self.ylabel };
        label
            .as_deref()
            .filter(|_| self.tick_labels_shown[k] || !self.default_labels[k])
    }

    /// The unit the x (`x == true`) or y axis shows its numbers in, if data with units
    /// set one.
    pub fn axis_unit(&self, x: bool) -> Option<&AxisUnit> {
        self.units[usize::from(!x)].as_ref()
    }

    pub fn set_axis_unit(&mut self, x: bool, unit: AxisUnit) {
        self.units[usize::from(!x)] = Some(unit);
    }

    /// Whether [`xlabel`](Self::xlabel) was called (so a caller can add a
    /// default label only when the user gave none).
    pub fn has_xlabel(&self) -> bool {
        self.xlabel.is_some()
    }

    pub fn has_ylabel(&self) -> bool {
        self.ylabel.is_some()
    }

    pub fn get_title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub fn get_xlabel(&self) -> Option<&str> {
        self.xlabel.as_deref()
    }

    pub fn get_ylabel(&self) -> Option<&str> {
        self.ylabel.as_deref()
    }

    /// Fixes the x range. `lo > hi` inverts the axis; a non-finite bound
    /// keeps that side automatic; `lo == hi` is widened slightly.
    pub fn xlim(&mut self, lo: f64, hi: f64) {
        self.xlim = Some((lo, hi));
    }

    /// Fixes the y range; see [`xlim`](Self::xlim).
    pub fn ylim(&mut self, lo: f64, hi: f64) {
        self.ylim = Some((lo, hi));
    }

    /// Draws a legend (upper right) of the labelled lines, points and
    /// reference lines. Nothing is drawn if no artist has a label.
    pub fn legend(&mut self) {
        self.legend = true;
    }

    /// Square data units (`aspect='equal'`, set automatically by `imshow`)
    /// or a box filling the subplot (`false`, `aspect='auto'`).
    pub fn set_equal_aspect(&mut self, equal: bool) {
        self.equal_aspect = Some(equal);
    }

    /// Empty axes in the same place (matplotlib's `cla()`), keeping shared axes and the
    /// twin relation.
    pub fn cleared(&self) -> Axes {
        let mut ax = Axes::new(self.spec);
        ax.share = self.share;
        ax.twin = self.twin;
        ax.twin_parent = self.twin_parent;
        ax.tick_labels_shown = self.tick_labels_shown;
        ax
    }

    /// The range of the data along x and y, without margins (`(0, 1)` without data).
    pub fn data_limits(&self) -> ((f64, f64), (f64, f64)) {
        let r = |x: bool| {
            self.extent(x, self.scale[usize::from(!x)])
                .range
                .map_or((0.0, 1.0), |(a, b)| nonsingular(a, b))
        };
        (r(true), r(false))
    }

    /// Whether nothing has been drawn in these axes (labels and limits do
    /// not count).
    pub fn is_empty(&self) -> bool {
        self.artists.is_empty()
    }

    pub(crate) fn equal_aspect(&self) -> bool {
        self.equal_aspect
            .unwrap_or_else(|| self.artists.iter().any(|a| matches!(a, Artist::Image(_))))
    }

    pub(crate) fn colorbar_image(&self) -> Option<&Image> {
        self.artists.iter().rev().find_map(|a| match a {
            Artist::Image(im) if im.opts.colorbar => Some(im),
            _ => None,
        })
    }

    /// The x and y ranges the axes will show: explicit limits where given,
    /// otherwise the data range with matplotlib-like margins (`(0, 1)` for
    /// an empty axis). The y range comes out inverted (`lo > hi`) when an
    /// `origin='upper'` image is shown and no explicit y limits were set.
    pub fn limits(&self) -> ((f64, f64), (f64, f64)) {
        (
            self.axis_limits(
                true,
                self.explicit_lim(true),
                self.extent(true, self.scale[0]),
            ),
            self.axis_limits(
                false,
                self.explicit_lim(false),
                self.extent(false, self.scale[1]),
            ),
        )
    }

    /// The limits given with `xlim` / `ylim`, if any.
    pub(crate) fn explicit_lim(&self, x: bool) -> Option<(f64, f64)> {
        if x {
            self.xlim
        } else {
            self.ylim
        }
    }

    /// One axis' limits from explicit limits and an extent (perhaps of several shared
    /// axes), on this axes' scale.
    pub(crate) fn axis_limits(
        &self,
        x: bool,
        explicit: Option<(f64, f64)>,
        extent: AxisExtent,
    ) -> (f64, f64) {
        let scale = self.scale[usize::from(!x)];
        let lim = match scale {
            Scale::Linear => resolve(explicit, extent),
            Scale::Log => resolve_log(explicit, extent),
        };
        if x {
            return lim;
        }
        let upper_image = self
            .artists
            .iter()
            .any(|a| matches!(a, Artist::Image(im) if !im.opts.origin_lower && im.nrows > 0 && im.ncols > 0));
        if upper_image && explicit.is_none() && lim.0 < lim.1 {
            (lim.1, lim.0)
        } else {
            lim
        }
    }

    /// Combined autoscale extent of all artists along x (`true`) or y, counting only
    /// positive values on a log `scale`.
    pub(crate) fn extent(&self, along_x: bool, scale: Scale) -> AxisExtent {
        let mut total = AxisExtent::default();
        for a in &self.artists {
            let mut e = artist_extent(a, along_x, scale == Scale::Log);
            if scale == Scale::Log {
                e.sticky.retain(|s| *s > 0.0);
            }
            total.merge(e);
        }
        total
    }
}

impl AxisExtent {
    pub(crate) fn merge(&mut self, e: AxisExtent) {
        if let Some((lo, hi)) = e.range {
            self.range = Some(match self.range {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        }
        self.sticky.extend(e.sticky);
    }
}

fn unit_alpha(a: Option<f64>) -> f64 {
    a.filter(|a| a.is_finite())
        .map_or(1.0, |a| a.clamp(0.0, 1.0))
}

/// Log-axis limits: autoscaling with the margins in decades; non-positive explicit
/// limits are ignored (matplotlib warns and ignores them).
fn resolve_log(explicit: Option<(f64, f64)>, extent: AxisExtent) -> (f64, f64) {
    let log = |v: f64| if v > 0.0 { v.log10() } else { f64::NAN };
    let lext = AxisExtent {
        range: extent.range.map(|(a, b)| (log(a), log(b))),
        sticky: extent.sticky.iter().map(|s| log(*s)).collect(),
    };
    let lexp = explicit.map(|(a, b)| (log(a), log(b)));
    let (a, b) = match lext.range {
        Some(r) if r.0.is_finite() && r.1.is_finite() => resolve(lexp, lext),
        // No positive data: matplotlib's default decade range.
        _ => resolve(
            lexp,
            AxisExtent {
                range: Some((0.0, 2.0)),
                sticky: vec![0.0, 2.0],
            },
        ),
    };
    (10f64.powf(a), 10f64.powf(b))
}

fn positive_or(v: Option<f64>, default: f64) -> f64 {
    v.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(default)
}

/// `(min, max)` of the finite values, `None` if there are none.
pub(crate) fn finite_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

fn artist_extent(a: &Artist, along_x: bool, positive: bool) -> AxisExtent {
    let keep = |v: &f64| !positive || *v > 0.0;
    match a {
        Artist::Series(s) => {
            let values = if along_x { &s.x } else { &s.y };
            // Only points with both coordinates finite are drawn.
            let other = if along_x { &s.y } else { &s.x };
            let range = finite_range(
                values
                    .iter()
                    .zip(other)
                    .filter(|(v, o)| o.is_finite() && keep(v))
                    .map(|(v, _)| *v),
            );
            match s.kind {
                SeriesKind::Raster => {
                    // Brian 1's raster_plot: 0 .. last spike time, 0 .. max index + 1.
                    let range = range.map(|(lo, hi)| {
                        let hi = if along_x { hi } else { hi + 1.0 };
                        (lo.min(0.0), hi.max(0.0))
                    });
                    let sticky = range.map_or_else(Vec::new, |(lo, hi)| vec![lo, hi]);
                    AxisExtent { range, sticky }
                }
                _ => AxisExtent {
                    range,
                    sticky: Vec::new(),
                },
            }
        }
        Artist::RefLine(l) => {
            let range = (l.horizontal != along_x && l.value.is_finite() && keep(&l.value))
                .then_some((l.value, l.value));
            AxisExtent {
                range,
                sticky: Vec::new(),
            }
        }
        Artist::Segments(s) => AxisExtent {
            range: finite_range(
                s.segs
                    .iter()
                    .flat_map(|(p, q)| [*p, *q])
                    .map(|p| if along_x { p.0 } else { p.1 })
                    .filter(keep),
            ),
            sticky: Vec::new(),
        },
        Artist::Fill(f) => {
            let vals: Vec<f64> = if along_x {
                f.x.clone()
            } else {
                f.y1.iter().chain(&f.y2).copied().collect()
            };
            AxisExtent {
                range: finite_range(vals.into_iter().filter(keep)),
                sticky: Vec::new(),
            }
        }
        Artist::Text(_) => AxisExtent::default(),
        Artist::Image(im) => {
            let n = if along_x { im.ncols } else { im.nrows };
            if n == 0 || im.nrows == 0 || im.ncols == 0 {
                return AxisExtent::default();
            }
            let (lo, hi) = (-0.5, n as f64 - 0.5);
            AxisExtent {
                range: Some((lo, hi)),
                sticky: vec![lo, hi],
            }
        }
        Artist::Hist(h) => {
            let (Some(&first), Some(&last)) = (h.edges.first(), h.edges.last()) else {
                return AxisExtent::default();
            };
            if along_x {
                AxisExtent {
                    range: Some((first, last)),
                    sticky: vec![first, last],
                }
            } else {
                let max = h.counts.iter().copied().max().unwrap_or(0) as f64;
                AxisExtent {
                    range: Some((0.0, max)),
                    sticky: vec![0.0],
                }
            }
        }
    }
}

/// Final limits for one axis from the explicit limits and the data extent.
fn resolve(explicit: Option<(f64, f64)>, extent: AxisExtent) -> (f64, f64) {
    let auto = || autoscale(&extent);
    match explicit {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() => nonsingular(lo, hi),
        Some((lo, hi)) if lo.is_finite() || hi.is_finite() => {
            let (alo, ahi) = auto();
            let lo = if lo.is_finite() { lo } else { alo };
            let hi = if hi.is_finite() { hi } else { ahi };
            nonsingular(lo, hi)
        }
        _ => auto(),
    }
}

fn autoscale(extent: &AxisExtent) -> (f64, f64) {
    let Some((lo, hi)) = extent.range else {
        return (0.0, 1.0);
    };
    let (lo, hi) = nonsingular(lo, hi);
    let span = hi - lo;
    if !span.is_finite() {
        return (lo, hi);
    }
    let (mut a, mut b) = (lo - MARGIN * span, hi + MARGIN * span);
    if !(a.is_finite() && b.is_finite()) {
        return (lo, hi);
    }
    // Margins stop at sticky values on or beyond the data limits.
    let tol = span * 1e-9;
    if let Some(s) = extent
        .sticky
        .iter()
        .copied()
        .filter(|s| *s <= lo + tol)
        .reduce(f64::max)
    {
        a = a.max(s);
    }
    if let Some(s) = extent
        .sticky
        .iter()
        .copied()
        .filter(|s| *s >= hi - tol)
        .reduce(f64::min)
    {
        b = b.min(s);
    }
    (a, b)
}

/// Widens an empty range around its value so it can be drawn.
fn nonsingular(lo: f64, hi: f64) -> (f64, f64) {
    if lo != hi {
        return (lo, hi);
    }
    let d = if lo == 0.0 { 0.05 } else { 0.05 * lo.abs() };
    for (a, b) in [
        (lo - d, hi + d),
        (lo - 2.0 * d, hi),
        (lo, hi + 2.0 * d),
        (lo - 0.05, hi + 0.05),
    ] {
        if a.is_finite() && b.is_finite() && a < b {
            return (a, b);
        }
    }
    (lo, hi)
}

/// Gives a raster's axes Brian 1's labels, "Time (ms)" and
/// "Neuron number", unless the user already set them.
pub fn default_raster_labels(axes: &mut Axes) {
    if !axes.has_xlabel() {
        axes.default_label(true, "Time (ms)");
    }
    if !axes.has_ylabel() {
        axes.default_label(false, "Neuron number");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes() -> Axes {
        Axes::new(SubplotSpec::cell(1, 1, 1))
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn empty_axes_are_unit_square() {
        let ax = axes();
        assert_eq!(ax.limits(), ((0.0, 1.0), (0.0, 1.0)));
        assert!(ax.is_empty());
    }

    #[test]
    fn plot_gets_five_percent_margins_and_skips_nan() {
        let mut ax = axes();
        ax.plot(
            vec![0.0, 1.0, f64::NAN, 10.0],
            vec![0.0, 5.0, 100.0, -5.0],
            LineStyle::default(),
        )
        .unwrap();
        let (x, y) = ax.limits();
        assert!(close(x, (-0.5, 10.5)), "{x:?}");
        assert!(close(y, (-5.5, 5.5)), "{y:?}");
    }

    #[test]
    fn raster_limits_follow_brian1() {
        let mut ax = axes();
        ax.raster(vec![3.0, 7.5, 250.0], vec![2.0, 0.0, 9.0])
            .unwrap();
        assert_eq!(ax.limits(), ((0.0, 250.0), (0.0, 10.0)));
        default_raster_labels(&mut ax);
        assert_eq!(ax.get_xlabel(), Some("Time (ms)"));
        assert_eq!(ax.get_ylabel(), Some("Neuron number"));
        let mut ax = axes();
        ax.xlabel("t");
        default_raster_labels(&mut ax);
        assert_eq!(ax.get_xlabel(), Some("t"));
        assert_eq!(ax.get_ylabel(), Some("Neuron number"));
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let mut ax = axes();
        let e = ax.plot(vec![1.0, 2.0], vec![1.0], LineStyle::default());
        assert!(matches!(e, Err(PlotError::LengthMismatch { x: 2, y: 1 })));
        assert!(ax.raster(vec![1.0], vec![]).is_err());
        assert!(ax.scatter(vec![], vec![1.0], LineStyle::default()).is_err());
        assert!(ax.is_empty());
    }

    #[test]
    fn image_limits_are_tight_and_inverted_for_origin_upper() {
        let mut ax = axes();
        ax.imshow(vec![vec![0.0; 4]; 3], false, false).unwrap();
        assert_eq!(ax.limits(), ((-0.5, 3.5), (2.5, -0.5)));
        assert!(ax.equal_aspect());
        let mut ax = axes();
        ax.imshow(vec![vec![0.0; 4]; 3], true, true).unwrap();
        assert_eq!(ax.limits(), ((-0.5, 3.5), (-0.5, 2.5)));
        assert!(ax.colorbar_image().is_some());
        assert!(ax
            .imshow(vec![vec![1.0, 2.0], vec![1.0]], false, false)
            .is_err());
        assert!(ax.imshow(vec![], false, false).is_ok());
    }

    #[test]
    fn hist_counts_and_limits() {
        let mut ax = axes();
        ax.hist(vec![0.0, 0.1, 0.5, 1.0, 1.0, f64::NAN], 2).unwrap();
        let Artist::Hist(h) = &ax.artists[0] else {
            panic!()
        };
        assert_eq!(h.counts, vec![2, 3]);
        assert_eq!(h.edges, vec![0.0, 0.5, 1.0]);
        let (x, y) = ax.limits();
        assert_eq!(x, (0.0, 1.0));
        assert!(close(y, (0.0, 3.15)), "{y:?}");
        assert!(ax.hist(vec![1.0], 0).is_err());
        ax.hist(vec![], 5).unwrap();
        ax.hist(vec![2.0, 2.0], 3).unwrap();
    }

    #[test]
    fn hist_with_edges_counts_as_numpy() {
        let mut ax = axes();
        // numpy.histogram([0, 0.5, 1, 1.5, 2, 2, 3, -1], bins=[0, 1, 2]) -> [2, 4]
        ax.hist_edges(
            vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.0, 3.0, -1.0],
            vec![0.0, 1.0, 2.0],
        )
        .unwrap();
        let Artist::Hist(h) = &ax.artists[0] else {
            panic!()
        };
        assert_eq!(h.counts, vec![2, 4]);
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0]);
        assert!(ax.hist_edges(vec![1.0], vec![0.0]).is_err());
        assert!(ax.hist_edges(vec![1.0], vec![0.0, 2.0, 1.0]).is_err());
    }

    #[test]
    fn explicit_limits_win_and_may_be_partial() {
        let mut ax = axes();
        ax.plot(vec![0.0, 10.0], vec![0.0, 1.0], LineStyle::default())
            .unwrap();
        ax.xlim(20.0, 0.0);
        ax.ylim(f64::NAN, 2.0);
        let (x, y) = ax.limits();
        assert_eq!(x, (20.0, 0.0));
        assert!(close(y, (-0.05, 2.0)), "{y:?}");
        ax.xlim(3.0, 3.0);
        let (x, _) = ax.limits();
        assert!(x.0 < 3.0 && x.1 > 3.0);
    }

    #[test]
    fn single_points_and_extremes_do_not_break_autoscale() {
        let mut ax = axes();
        ax.plot(vec![5.0], vec![0.0], LineStyle::default()).unwrap();
        let (x, y) = ax.limits();
        assert!(x.0 < 5.0 && x.1 > 5.0 && y.0 < 0.0 && y.1 > 0.0);
        let mut ax = axes();
        ax.plot(
            vec![-f64::MAX, f64::MAX],
            vec![f64::MAX, f64::MAX],
            LineStyle::default(),
        )
        .unwrap();
        let (x, y) = ax.limits();
        assert!(x.0 < x.1 && y.0 < y.1, "{x:?} {y:?}");
    }

    #[test]
    fn colours_cycle_unless_given() {
        let mut ax = axes();
        ax.plot(vec![], vec![], LineStyle::default()).unwrap();
        ax.plot(
            vec![],
            vec![],
            LineStyle::default().with_color(Color::BLACK),
        )
        .unwrap();
        ax.scatter(vec![], vec![], LineStyle::default()).unwrap();
        let colors: Vec<Color> = ax
            .artists
            .iter()
            .filter_map(|a| match a {
                Artist::Series(s) => Some(s.color),
                _ => None,
            })
            .collect();
        assert_eq!(colors, vec![Color::cycle(0), Color::BLACK, Color::cycle(1)]);
    }
}
