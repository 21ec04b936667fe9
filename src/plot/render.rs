//! Drawing a [`Figure`] onto any plotters backend.
//!
//! Layout follows matplotlib's defaults at 100 dpi: subplot parameters
//! left 0.125, right 0.9, bottom 0.11, top 0.88, wspace = hspace = 0.2;
//! 10 pt tick and axis labels, 12 pt titles, outward 3.5 pt ticks on the
//! bottom and left spines, colour bars taking 15% of the subplot's width.
//! Everything is drawn in pixel coordinates with our own clipping, so
//! nothing leaks outside the axes frame.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::DrawingBackend;

/// A backend pixel position.
type BackendCoord = (i32, i32);
/// A line segment in data coordinates.
type Segment = ((f64, f64), (f64, f64));
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    Color as _, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, ShapeStyle,
};

use super::axes::{
    Artist, Axes, Fill, HAlign, Hist, Image, LegendLoc, RefLine, Scale, Segments, Series,
    SubplotSpec, TextArtist, TextVAlign,
};
use super::color::Color;
use super::figure::GridRatios;
use super::font::{self, plain_width, script_scale, text_width, AB_GLYPH_HEIGHT_PER_EM, FAMILY};
use super::mathtext;
use super::style::{LinePattern, Marker};
use super::ticks::{format_ticks, format_ticks_within, locate};
use super::{Figure, PlotError};

/// matplotlib's "light grey" legend frame.
const LEGEND_EDGE: Color = Color::rgb(0xcc, 0xcc, 0xcc);
/// Upper bound on dash pieces per line; longer lines are drawn solid.
const MAX_DASHES: f64 = 200_000.0;

/// A rectangle in pixels (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
}

impl Rect {
    fn w(&self) -> f64 {
        self.r - self.l
    }
    fn h(&self) -> f64 {
        self.b - self.t
    }
    fn contains(&self, (x, y): (f64, f64), tol: f64) -> bool {
        x >= self.l - tol && x <= self.r + tol && y >= self.t - tol && y <= self.b + tol
    }
}

/// Vertical placement of text relative to the anchor point (for rotated
/// text: placement across the text direction).
#[derive(Debug, Clone, Copy)]
enum VAlign {
    /// Top of capitals/digits at the anchor.
    Top,
    /// Middle of capitals/digits at the anchor.
    Center,
    /// Bottom of descenders at the anchor.
    Bottom,
    /// The baseline at the anchor.
    Baseline,
}

impl VAlign {
    /// Distance from the anchor down to the baseline, for text `em` pixels per em.
    fn baseline(self, em: f64) -> f64 {
        match self {
            VAlign::Top => 0.73 * em,
            VAlign::Center => 0.365 * em,
            VAlign::Bottom => -0.24 * em,
            VAlign::Baseline => 0.0,
        }
    }
}

/// How far the baseline of mathtext at `level` sits below the main one (negative:
/// above), for a base size of `em` pixels.
fn level_shift(level: i32, em: f64) -> f64 {
    let mut shift = 0.0;
    let mut size = em;
    for _ in 0..level.unsigned_abs().min(3) {
        shift += if level > 0 { -0.38 * size } else { 0.2 * size };
        size *= mathtext::SCRIPT_SCALE;
    }
    shift
}

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

fn shape(c: Color, filled: bool, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: rgb(c).to_rgba(),
        filled,
        stroke_width: width,
    }
}

/// Pixel coordinate to backend integer coordinate (saturating, NaN -> 0;
/// callers skip non-finite points before this).
fn ipx(v: f64) -> i32 {
    v.round().clamp(-1.0e7, 1.0e7) as i32
}

fn ipt((x, y): (f64, f64)) -> BackendCoord {
    (ipx(x), ipx(y))
}

struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    svg: bool,
    /// Pixels per point: the figure's dpi / 72 (1.39 at matplotlib's default 100 dpi).
    pt: f64,
}

/// Text sizes and tick geometry in pixels, following matplotlib's defaults in points.
impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn tick_font(&self) -> f64 {
        10.0 * self.pt
    }
    fn label_font(&self) -> f64 {
        10.0 * self.pt
    }
    fn title_font(&self) -> f64 {
        12.0 * self.pt
    }
    fn legend_font(&self) -> f64 {
        10.0 * self.pt
    }
    fn tick_len(&self) -> f64 {
        3.5 * self.pt
    }
    fn tick_pad(&self) -> f64 {
        3.5 * self.pt
    }
    fn label_pad(&self) -> f64 {
        4.0 * self.pt
    }
    fn title_pad(&self) -> f64 {
        6.0 * self.pt
    }
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn err<E: std::fmt::Display>(e: E) -> PlotError {
        PlotError::Backend(e.to_string())
    }

    /// A crisp 1-pixel rule (spines, ticks): a filled rectangle covering
    /// the pixel column (or row) at `x` (or `y`), from `a` to `b`.
    fn vrule(&self, x: f64, a: f64, b: f64, color: Color) -> Result<(), PlotError> {
        let xi = f64::from(ipx(x));
        self.fill_rect((xi, a.min(b)), (xi + 1.0, a.max(b)), color, 1.0)
    }

    fn hrule(&self, y: f64, a: f64, b: f64, color: Color) -> Result<(), PlotError> {
        let yi = f64::from(ipx(y));
        self.fill_rect((a.min(b), yi), (a.max(b), yi + 1.0), color, 1.0)
    }

    /// The four sides of `r` as 1-pixel rules.
    fn frame(&self, r: Rect, color: Color) -> Result<(), PlotError> {
        self.hrule(r.t, r.l, r.r + 1.0, color)?;
        self.hrule(r.b, r.l, r.r + 1.0, color)?;
        self.vrule(r.l, r.t, r.b + 1.0, color)?;
        self.vrule(r.r, r.t, r.b + 1.0, color)
    }

    /// A polyline `width` pixels wide. Bitmaps get our own anti-aliased
    /// rasteriser (plotters fills thick lines as aliased polygons with
    /// whole-pixel vertices, which turns dense data into a ragged
    /// staircase); SVG gets a `<polyline>`.
    fn path_alpha(
        &self,
        pts: &[(f64, f64)],
        color: Color,
        width: f64,
        alpha: f64,
    ) -> Result<(), PlotError> {
        if pts.is_empty() || alpha <= 0.0 {
            return Ok(());
        }
        let thinned = decimate_columns(pts);
        let pts = thinned.as_deref().unwrap_or(pts);
        if !self.svg {
            return self.coverage_alpha(antialiased_polyline(pts, width), color, alpha);
        }
        // SVG coordinates are whole pixels: thin out points closer than
        // MIN_STEP pixels to the last kept one (large excursions such as
        // spikes are always kept, and so is the last point), which keeps
        // files small and dense traces smooth.
        const MIN_STEP: f64 = 2.0;
        let mut ip: Vec<BackendCoord> = Vec::with_capacity(pts.len());
        let mut last: Option<(f64, f64)> = None;
        for (i, &p) in pts.iter().enumerate() {
            let far = last.is_none_or(|l| (p.0 - l.0).hypot(p.1 - l.1) >= MIN_STEP);
            if far || i + 1 == pts.len() {
                let q = ipt(p);
                if ip.last() != Some(&q) {
                    ip.push(q);
                }
                last = Some(p);
            }
        }
        if ip.len() == 1 {
            // A line shorter than a pixel still shows as a dot.
            ip.push(ip[0]);
        }
        let w = width.round().clamp(1.0, 100.0) as u32;
        let style = ShapeStyle {
            color: rgb(color).mix(alpha),
            filled: false,
            stroke_width: w,
        };
        self.area
            .draw(&PathElement::new(ip, style))
            .map_err(Self::err)
    }

    /// A filled polygon (pixel coordinates, already clipped).
    fn polygon(&self, pts: &[(f64, f64)], color: Color, alpha: f64) -> Result<(), PlotError> {
        if pts.len() < 3 || alpha <= 0.0 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: rgb(color).mix(alpha),
            filled: true,
            stroke_width: 0,
        };
        let ip: Vec<BackendCoord> = pts.iter().map(|&p| ipt(p)).collect();
        self.area.draw(&Polygon::new(ip, style)).map_err(Self::err)
    }

    fn fill_rect(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        color: Color,
        alpha: f64,
    ) -> Result<(), PlotError> {
        let (a, b) = (ipt(a), ipt(b));
        if a.0 == b.0 || a.1 == b.1 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: rgb(color).mix(alpha),
            filled: true,
            stroke_width: 0,
        };
        self.area
            .draw(&Rectangle::new([a, b], style))
            .map_err(Self::err)
    }

    fn outline_rect(&self, r: Rect, color: Color) -> Result<(), PlotError> {
        self.area
            .draw(&Rectangle::new(
                [ipt((r.l, r.t)), ipt((r.r, r.b))],
                shape(color, false, 1),
            ))
            .map_err(Self::err)
    }

    /// Draws anti-aliased pixels (bitmap output only).
    fn coverage_alpha(
        &self,
        pixels: Vec<((i32, i32), f32)>,
        color: Color,
        alpha: f64,
    ) -> Result<(), PlotError> {
        let c = rgb(color);
        for ((x, y), cov) in pixels {
            let a = f64::from(cov) * alpha;
            let px = if a >= 0.999 { c.to_rgba() } else { c.mix(a) };
            self.area.draw_pixel((x, y), &px).map_err(Self::err)?;
        }
        Ok(())
    }

    /// A marker of radius `radius` pixels centred at (`x`, `y`).
    /// A marker; `alpha` its opacity, `edge` the width in pixels of line markers
    /// (`|`, `_`).
    fn marker_alpha(
        &self,
        m: Marker,
        (x, y): (f64, f64),
        radius: f64,
        color: Color,
        alpha: f64,
        edge: f64,
    ) -> Result<(), PlotError> {
        let (cx, cy) = ipt((x, y));
        let r = radius.round().max(1.0) as i32;
        let fill = ShapeStyle {
            color: rgb(color).mix(alpha),
            filled: true,
            stroke_width: 0,
        };
        let res = match m {
            Marker::Point | Marker::Circle if !self.svg => {
                return self.coverage_alpha(antialiased_disk((x, y), radius), color, alpha);
            }
            Marker::Pixel => {
                return self.fill_rect(
                    (x.floor(), y.floor()),
                    (x.floor() + 1.0, y.floor() + 1.0),
                    color,
                    alpha,
                );
            }
            Marker::VLine => {
                return self.path_alpha(&[(x, y - radius), (x, y + radius)], color, edge, alpha);
            }
            Marker::HLine => {
                return self.path_alpha(&[(x - radius, y), (x + radius, y)], color, edge, alpha);
            }
            Marker::Point | Marker::Circle => {
                self.area.draw(&Circle::new((cx, cy), r as u32, fill))
            }
            Marker::Square => {
                let h = (radius * 0.9).round().max(1.0) as i32;
                self.area.draw(&Rectangle::new(
                    [(cx - h, cy - h), (cx + h + 1, cy + h + 1)],
                    fill,
                ))
            }
            Marker::Triangle => {
                let h = radius * 1.1;
                let pts = vec![
                    ipt((x, y - h)),
                    ipt((x - 0.866 * h, y + 0.5 * h)),
                    ipt((x + 0.866 * h, y + 0.5 * h)),
                ];
                self.area.draw(&Polygon::new(pts, fill))
            }
            Marker::Diamond => {
                let h = radius * 0.85;
                let pts = vec![
                    ipt((x, y - h)),
                    ipt((x + h, y)),
                    ipt((x, y + h)),
                    ipt((x - h, y)),
                ];
                self.area.draw(&Polygon::new(pts, fill))
            }
            Marker::Plus => {
                let w = (radius / 3.0).round().max(1.0) as i32;
                self.area
                    .draw(&Rectangle::new(
                        [(cx - r, cy - w / 2), (cx + r + 1, cy - w / 2 + w)],
                        fill,
                    ))
                    .and_then(|_| {
                        self.area.draw(&Rectangle::new(
                            [(cx - w / 2, cy - r), (cx - w / 2 + w, cy + r + 1)],
                            fill,
                        ))
                    })
            }
            Marker::Cross => {
                let fr = radius * 0.8;
                let w = (radius / 3.0).max(1.0);
                let a = [(x - fr, y - fr), (x + fr, y + fr)];
                let b = [(x - fr, y + fr), (x + fr, y - fr)];
                if !self.svg {
                    self.coverage_alpha(antialiased_polyline(&a, w), color, alpha)?;
                    return self.coverage_alpha(antialiased_polyline(&b, w), color, alpha);
                }
                let style = ShapeStyle {
                    color: rgb(color).mix(alpha),
                    filled: false,
                    stroke_width: w.round() as u32,
                };
                self.area
                    .draw(&PathElement::new(vec![ipt(a[0]), ipt(a[1])], style))
                    .and_then(|_| {
                        self.area
                            .draw(&PathElement::new(vec![ipt(b[0]), ipt(b[1])], style))
                    })
            }
        };
        res.map_err(Self::err)
    }

    /// Draws `s` at `em` pixels per em. Horizontal text: (`x`, `y`) is the
    /// anchor, `h` the alignment along the text, `v` across it. Rotated
    /// text reads bottom to top; "across" is then horizontal, with the
    /// bottom of the text facing right.
    /// Text with mathtext (`$\tau_m$`) is set piece by piece, scripts smaller and
    /// shifted.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &self,
        s: &str,
        (x, y): (f64, f64),
        em: f64,
        h: HPos,
        v: VAlign,
        rotated: bool,
        color: Color,
    ) -> Result<(), PlotError> {
        if !mathtext::has_math(s) {
            return self.plain_text(s, (x, y), em, h, v, rotated, color);
        }
        let pieces = mathtext::parse(s);
        let widths: Vec<f64> = pieces
            .iter()
            .map(|p| plain_width(&p.text, em * script_scale(p.level)))
            .collect();
        let total: f64 = widths.iter().sum();
        let mut along = match h {
            HPos::Left => 0.0,
            HPos::Center => -total / 2.0,
            HPos::Right => -total,
        };
        let base = v.baseline(em);
        for (p, w) in pieces.iter().zip(widths) {
            let across = base + level_shift(p.level, em);
            let pos = if rotated {
                (x + across, y - along)
            } else {
                (x + along, y + across)
            };
            let size = em * script_scale(p.level);
            self.plain_text(
                &p.text,
                pos,
                size,
                HPos::Left,
                VAlign::Baseline,
                rotated,
                color,
            )?;
            along += w;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn plain_text(
        &self,
        s: &str,
        (x, y): (f64, f64),
        em: f64,
        h: HPos,
        v: VAlign,
        rotated: bool,
        color: Color,
    ) -> Result<(), PlotError> {
        if s.is_empty() {
            return Ok(());
        }
        // plotters' SVG backend writes font-size = size / 1.24 and puts the
        // baseline 0.76 em below a top-anchored point; its ab_glyph bitmap
        // path scales the ascent-descent height (1.164 em for DejaVu Sans)
        // to `size` and puts the baseline size / 2 below the point.
        let (size, baseline) = if self.svg {
            (1.24 * em, 0.76 * em)
        } else {
            let size = AB_GLYPH_HEIGHT_PER_EM * em;
            (size, size / 2.0)
        };
        let d = v.baseline(em);
        let (pos, transform) = if rotated {
            ((x + d - baseline, y), FontTransform::Rotate270)
        } else {
            ((x, y + d - baseline), FontTransform::None)
        };
        let c = rgb(color);
        let style = FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
            .transform(transform)
            .color(&c)
            .pos(Pos::new(h, VPos::Top));
        self.area
            .draw(&Text::new(s.to_string(), ipt(pos), style))
            .map_err(Self::err)
    }
}

/// Data-to-pixel mapping of one axes.
struct Transform {
    x: (f64, f64),
    y: (f64, f64),
    frame: Rect,
    /// Log scale of x and y.
    log: [bool; 2],
}

/// A value on an axis' scale: itself, or its log10 (NaN for values <= 0).
fn scaled(v: f64, log: bool) -> f64 {
    if !log {
        v
    } else if v > 0.0 {
        v.log10()
    } else {
        f64::NAN
    }
}

impl Transform {
    fn new(x: (f64, f64), y: (f64, f64), frame: Rect, ax: &Axes) -> Transform {
        Transform {
            x,
            y,
            frame,
            log: [ax.scale[0] == Scale::Log, ax.scale[1] == Scale::Log],
        }
    }
    fn px(&self, v: f64) -> f64 {
        let (a, b) = (scaled(self.x.0, self.log[0]), scaled(self.x.1, self.log[0]));
        self.frame.l + (scaled(v, self.log[0]) - a) / (b - a) * self.frame.w()
    }
    fn py(&self, v: f64) -> f64 {
        let (a, b) = (scaled(self.y.0, self.log[1]), scaled(self.y.1, self.log[1]));
        self.frame.b - (scaled(v, self.log[1]) - a) / (b - a) * self.frame.h()
    }
    /// The pixel row of y = 0 (a bar's base): the bottom of a log axis.
    fn py0(&self) -> f64 {
        if self.log[1] {
            if self.y.0 <= self.y.1 {
                self.frame.b
            } else {
                self.frame.t
            }
        } else {
            self.py(0.0)
        }
    }
    /// Pixel position of a data point, `None` if it is not finite.
    fn point(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let p = (self.px(x), self.py(y));
        (p.0.is_finite() && p.1.is_finite()).then_some(p)
    }
}

/// matplotlib's grid cell for subplot `spec` in a `w` x `h` figure.
#[cfg(test)]
pub(crate) fn cell_rect(spec: SubplotSpec, w: f64, h: f64) -> Rect {
    cell_rect_spaced(spec, w, h, 0.2, None)
}

/// The space between rows of subplots, as a fraction of a cell's height: matplotlib's 0.2,
/// or more when x labels of upper axes or titles of lower axes would run into each other
/// (matplotlib lets them overlap; a figure to publish should not).
fn row_space(fig: &Figure, h: f64, pt: f64) -> f64 {
    let axes = fig.axes();
    let rows = axes.iter().map(|a| a.spec.rows).max().unwrap_or(1);
    if rows < 2 || !(h > 0.0) {
        return 0.2;
    }
    let label_above = axes
        .iter()
        .any(|a| a.shown_label(true).is_some() && !a.twin && a.spec.span().1 + 1 < a.spec.rows);
    let title_below = axes
        .iter()
        .any(|a| a.title.is_some() && a.spec.span().0 > 0);
    // Ticks and their labels, then the x label and the title with their pads, in points.
    let mut need = 3.5 + 3.5 + 11.0 + 4.0;
    if label_above {
        need += 4.0 + 12.0;
    }
    if title_below {
        need += 6.0 + 14.0;
    }
    let g = need * pt / h;
    let (span, r) = (0.88 - 0.11, rows as f64);
    let space = g * r / (span - g * (r - 1.0));
    if space.is_finite() && space > 0.2 {
        space.min(1.0)
    } else {
        0.2
    }
}

/// Subplot parameters as fractions of the figure (matplotlib's `subplotpars`).
#[derive(Clone, Copy)]
struct SubplotPars {
    left: f64,
    right: f64,
    bottom: f64,
    top: f64,
    wspace: f64,
    hspace: f64,
}

/// matplotlib's `tight_layout(pad=1.08)`: each margin holds the decorations on that side
/// of the outermost axes (tick labels, axis labels, titles) plus the pad, and the space
/// between neighbours holds the decorations of both plus the pad. Tick labels are
/// measured for the ticks the axes will get at the default layout.
fn tight_pars(fig: &Figure, w: f64, h: f64, pt: f64) -> SubplotPars {
    let axes = fig.axes();
    let pad = 1.08 * 10.0 * pt;
    let font = 10.0 * pt;
    let ticks = (3.5 + 3.5) * pt;
    let (mut left, mut right, mut bottom, mut top) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (i, ax) in axes.iter().enumerate() {
        if !ax.axis_on {
            top = top.max(if ax.title.is_some() {
                1.2 * 12.0 * pt + 6.0 * pt
            } else {
                0.0
            });
            continue;
        }
        let cell = cell_rect_spaced(ax.spec, w, h, 0.2, fig.ratios_for(ax.spec));
        let ((x0, x1), (y0, y1)) = fig.axes_limits(i);
        let yt = tick_set(ax, false, (y0, y1), nbins(cell.h(), 2.0 * font));
        let widest = yt
            .labels
            .iter()
            .map(|s| text_width(s, font))
            .fold(0.0, f64::max);
        let xt = tick_set(ax, true, (x0, x1), nbins(cell.w(), 3.0 * font));
        let last = xt.labels.last().map_or(0.0, |s| text_width(s, font));
        let ylabel = match ax.shown_label(false) {
            Some(s) if ax.ylabel_horizontal => text_width(s, font) + 4.0 * pt,
            Some(_) => 1.2 * font + 4.0 * pt,
            None => 0.0,
        };
        let xlabel = if ax.shown_label(true).is_some() && !ax.twin {
            1.2 * font + 4.0 * pt
        } else {
            0.0
        };
        let title = if ax.title.is_some() {
            1.2 * 12.0 * pt + 6.0 * pt
        } else {
            0.0
        };
        let xticks = if xt.labels.is_empty() {
            3.5 * pt
        } else {
            1.1 * font + ticks
        };
        let yticks = if yt.labels.is_empty() {
            3.5 * pt
        } else {
            widest + ticks
        };
        if ax.twin {
            right = right.max(yticks + ylabel);
        } else {
            left = left.max(yticks + ylabel);
            right = right.max(last / 2.0);
            bottom = bottom.max(xticks + xlabel);
        }
        top = top.max(title.max(0.6 * font));
    }
    if fig.suptitle.is_some() {
        top += 1.2 * 12.0 * pt + pad / 2.0;
    }
    let rows = axes.iter().map(|a| a.spec.rows).max().unwrap_or(1) as f64;
    let cols = axes.iter().map(|a| a.spec.cols).max().unwrap_or(1) as f64;
    let (l, r) = ((left + pad) / w, 1.0 - (right + pad) / w);
    let (b, t) = ((bottom + pad) / h, 1.0 - (top + pad) / h);
    // Gaps between cells as fractions of a cell's size, as wspace/hspace are.
    let gap_w = left + right + pad;
    let gap_h = bottom + top + pad;
    let cell_w = ((r - l) * w - gap_w * (cols - 1.0)) / cols;
    let cell_h = ((t - b) * h - gap_h * (rows - 1.0)) / rows;
    let default = SubplotPars {
        left: 0.125,
        right: 0.9,
        bottom: 0.11,
        top: 0.88,
        wspace: 0.2,
        hspace: 0.2,
    };
    if !(r > l && t > b && cell_w > 0.0 && cell_h > 0.0) {
        return default; // too small a figure for its labels: keep matplotlib's defaults
    }
    SubplotPars {
        left: l,
        right: r,
        bottom: b,
        top: t,
        wspace: gap_w / cell_w,
        hspace: gap_h / cell_h,
    }
}

fn cell_rect_spaced(
    spec: SubplotSpec,
    w: f64,
    h: f64,
    hspace: f64,
    ratios: Option<&GridRatios>,
) -> Rect {
    cell_rect_with(
        spec,
        w,
        h,
        SubplotPars {
            left: 0.125,
            right: 0.9,
            bottom: 0.11,
            top: 0.88,
            wspace: 0.2,
            hspace,
        },
        ratios,
    )
}

fn cell_rect_with(
    spec: SubplotSpec,
    w: f64,
    h: f64,
    p: SubplotPars,
    ratios: Option<&GridRatios>,
) -> Rect {
    let (left, right, bottom, top, wspace, hspace) =
        (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace);
    let (rows, cols) = (spec.rows.max(1), spec.cols.max(1));
    // matplotlib's GridSpec: equal cells and gaps of `wspace`/`hspace` times a cell,
    // then the cells rescaled by their ratios (the gaps stay).
    let edges = |n: usize, span: f64, space: f64, r: Option<&[f64]>| -> Vec<(f64, f64)> {
        let nf = n as f64;
        let cell = span / (nf + space * (nf - 1.0));
        let sep = space * cell;
        let sum: f64 = r.map_or(nf, |r| r.iter().sum());
        let mut at = 0.0;
        (0..n)
            .map(|k| {
                let size = cell * nf * r.map_or(1.0, |r| r[k]) / sum;
                let e = (at, at + size);
                at += size + sep;
                e
            })
            .collect()
    };
    let xs = edges(
        cols,
        right - left,
        wspace,
        ratios.map(|g| g.widths.as_slice()),
    );
    let ys = edges(
        rows,
        top - bottom,
        hspace,
        ratios.map(|g| g.heights.as_slice()),
    );
    // A span covers the rectangle from its first cell to its last.
    let (r0, r1, c0, c1) = spec.span();
    let (r0, r1) = (r0.min(rows - 1), r1.min(rows - 1));
    let (c0, c1) = (c0.min(cols - 1), c1.min(cols - 1));
    Rect {
        l: (left + xs[c0].0) * w,
        r: (left + xs[c1].1) * w,
        t: (1.0 - (top - ys[r0].0)) * h,
        b: (1.0 - (top - ys[r1].1)) * h,
    }
}

/// Splits a cell into the axes frame and a colour bar on the right
/// (matplotlib's `colorbar()`: fraction 0.15, pad 0.05, aspect 20), then
/// shrinks the frame to equal data aspect if asked.
fn layout_axes(ax: &Axes, cell: Rect, limits: ((f64, f64), (f64, f64))) -> (Rect, Option<Rect>) {
    let mut frame = cell;
    let mut colorbar = None;
    if ax.colorbar_image().is_some() {
        let w = cell.w();
        frame.r = cell.l + w * (1.0 - 0.15 - 0.05);
        let cb_l = cell.l + w * (1.0 - 0.15);
        let cb_w = (w * 0.15).min(cell.h() / 20.0);
        colorbar = Some(Rect {
            l: cb_l,
            r: cb_l + cb_w,
            t: cell.t,
            b: cell.b,
        });
    }
    if ax.equal_aspect() {
        let dx = (limits.0 .1 - limits.0 .0).abs();
        let dy = (limits.1 .1 - limits.1 .0).abs();
        let ratio = dy / dx;
        if ratio.is_finite() && ratio > 0.0 && frame.w() > 0.0 && frame.h() > 0.0 {
            // Anchor right next to a colour bar, centred otherwise.
            let anchor_x = if colorbar.is_some() { 1.0 } else { 0.5 };
            if frame.h() / frame.w() > ratio {
                let h = frame.w() * ratio;
                let c = (frame.t + frame.b) / 2.0;
                frame.t = c - h / 2.0;
                frame.b = c + h / 2.0;
            } else {
                let w = frame.h() / ratio;
                let free = frame.w() - w;
                frame.l += free * anchor_x;
                frame.r = frame.l + w;
            }
        }
    }
    (frame, colorbar)
}

/// Renders the whole figure onto `area` (already sized to the figure).
pub(crate) fn render_figure<DB: DrawingBackend>(
    fig: &Figure,
    area: &DrawingArea<DB, Shift>,
    svg: bool,
) -> Result<(), PlotError> {
    font::ensure_registered();
    let canvas = Canvas {
        area,
        svg,
        pt: fig.dpi() / 72.0,
    };
    area.fill(&RGBColor(255, 255, 255))
        .map_err(Canvas::<DB>::err)?;
    let (w, h) = (f64::from(fig.size().0), f64::from(fig.size().1));
    let hspace = row_space(fig, h, canvas.pt);
    let tight = fig.is_tight().then(|| tight_pars(fig, w, h, canvas.pt));
    let axes = fig.axes();
    let limits: Vec<_> = (0..axes.len()).map(|i| fig.axes_limits(i)).collect();
    // Frames first: twins are drawn in their parent's frame.
    let mut frames: Vec<(Rect, Option<Rect>)> = Vec::with_capacity(axes.len());
    for (i, ax) in axes.iter().enumerate() {
        let cell = match tight {
            Some(p) => cell_rect_with(ax.spec, w, h, p, fig.ratios_for(ax.spec)),
            None => cell_rect_spaced(ax.spec, w, h, hspace, fig.ratios_for(ax.spec)),
        };
        frames.push(layout_axes(ax, cell, limits[i]));
    }
    for (i, ax) in axes.iter().enumerate() {
        let (frame, colorbar) = match ax.twin_parent.filter(|&p| p < i) {
            Some(p) => (frames[p].0, None),
            None => frames[i],
        };
        draw_axes(&canvas, ax, frame, colorbar, limits[i])?;
    }
    if let Some(s) = &fig.suptitle {
        // matplotlib: centred at y = 0.98 of the figure, top-aligned, 'large' (12 pt).
        canvas.text(
            s,
            (w / 2.0, 0.02 * h),
            12.0 * canvas.pt,
            HPos::Center,
            VAlign::Top,
            false,
            Color::BLACK,
        )?;
    }
    area.present().map_err(Canvas::<DB>::err)
}

/// Ticks of one axis: major positions with their labels (empty when hidden), the
/// offset text ("1e−9"), and unlabelled minor positions (log axes).
struct TickSet {
    major: Vec<f64>,
    labels: Vec<String>,
    multiplier: Option<String>,
    minor: Vec<f64>,
}

/// The ticks `ax` draws on its x (`x == true`) or y axis over `lim`: the positions set
/// with `set_xticks` (and their labels), decades labelled `10^k` on log axes, or
/// matplotlib's linear ticks.
fn tick_set(ax: &Axes, x: bool, lim: (f64, f64), nbins: usize) -> TickSet {
    let k = usize::from(!x);
    let (lo, hi) = (lim.0.min(lim.1), lim.0.max(lim.1));
    let inside = |v: f64| {
        let tol = (hi - lo).abs() * 1e-9;
        v >= lo - tol && v <= hi + tol
    };
    let mut set = if let Some(pos) = &ax.ticks[k] {
        let (labels, multiplier) = match &ax.tick_text[k] {
            Some(t) => (t.clone(), None),
            None => format_ticks_within(pos, ax.sci_limits[k]),
        };
        let (major, labels): (Vec<f64>, Vec<String>) = pos
            .iter()
            .zip(labels)
            .filter(|(v, _)| v.is_finite() && inside(**v))
            .map(|(v, l)| (*v, l))
            .unzip();
        TickSet {
            major,
            labels,
            multiplier,
            minor: Vec::new(),
        }
    } else if ax.scale[k] == Scale::Log && lo > 0.0 && hi.is_finite() {
        log_ticks(lo, hi, nbins)
    } else {
        let major = locate(lim.0, lim.1, nbins);
        let (labels, multiplier) = format_ticks_within(&major, ax.sci_limits[k]);
        TickSet {
            major,
            labels,
            multiplier,
            minor: Vec::new(),
        }
    };
    if !ax.tick_labels_shown[k] {
        set.labels.clear();
        set.multiplier = None;
    }
    set
}

/// matplotlib's LogLocator and LogFormatterSciNotation for base 10: a major tick at
/// every decade (every n-th when there are too many), labelled `10^k`, and minor ticks
/// at 2..9 times each decade. A range inside one decade gets its minor ticks labelled
/// (`2×10^k`), as matplotlib labels minor ticks on short log axes.
fn log_ticks(lo: f64, hi: f64, nbins: usize) -> TickSet {
    let (a, b) = (lo.log10(), hi.log10());
    let (k0, k1) = (a.floor() as i64, b.ceil() as i64);
    if k1 - k0 > 400 {
        return TickSet {
            major: Vec::new(),
            labels: Vec::new(),
            multiplier: None,
            minor: Vec::new(),
        };
    }
    let decades = (k1 - k0).max(1);
    let stride = ((decades as f64) / (nbins.max(1) as f64)).ceil().max(1.0) as i64;
    let tol = 1e-9;
    let mut major = Vec::new();
    let mut labels = Vec::new();
    let mut minor = Vec::new();
    for k in k0..=k1 {
        let v = 10f64.powi(k as i32);
        if k.rem_euclid(stride) == 0 && (k as f64) >= a - tol && (k as f64) <= b + tol {
            major.push(v);
            labels.push(format!("$\\mathdefault{{10^{{{k}}}}}$"));
        }
        if stride == 1 {
            for m in 2..10 {
                let u = f64::from(m) * v;
                let lu = u.log10();
                if lu >= a - tol && lu <= b + tol {
                    minor.push(u);
                }
            }
        }
    }
    if major.len() < 2 && b - a < 1.0 + tol {
        // Label the minor ticks too, as matplotlib does for axes spanning a decade or less.
        let mut all: Vec<(f64, String)> = major.iter().copied().zip(labels).collect();
        for &u in &minor {
            let k = u.log10().floor();
            let m = (u / 10f64.powf(k)).round();
            all.push((u, format!("$\\mathdefault{{{m}\\times10^{{{k}}}}}$")));
        }
        all.sort_by(|p, q| p.0.total_cmp(&q.0));
        let (major, labels) = all.into_iter().unzip();
        return TickSet {
            major,
            labels,
            multiplier: None,
            minor: Vec::new(),
        };
    }
    TickSet {
        major,
        labels,
        multiplier: None,
        minor,
    }
}

fn nbins(length_px: f64, per_label: f64) -> usize {
    let n = (length_px / per_label).floor();
    if n.is_finite() {
        (n as usize).clamp(1, 9)
    } else {
        1
    }
}

/// Widens the limits so that a data unit is as long on both axes (`axis('equal')`).
fn equal_datalim(limits: ((f64, f64), (f64, f64)), frame: Rect) -> ((f64, f64), (f64, f64)) {
    let ((x0, x1), (y0, y1)) = limits;
    let (sx, sy) = ((x1 - x0).abs() / frame.w(), (y1 - y0).abs() / frame.h());
    if !(sx.is_finite() && sy.is_finite() && sx > 0.0 && sy > 0.0) {
        return limits;
    }
    let widen = |(a, b): (f64, f64), len: f64| {
        let (c, half) = ((a + b) / 2.0, len / 2.0 * (b - a).signum());
        (c - half, c + half)
    };
    if sx > sy {
        ((x0, x1), widen((y0, y1), sx * frame.h()))
    } else {
        (widen((x0, x1), sy * frame.w()), (y0, y1))
    }
}

fn draw_axes<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    ax: &Axes,
    frame: Rect,
    colorbar: Option<Rect>,
    limits: ((f64, f64), (f64, f64)),
) -> Result<(), PlotError> {
    if !(frame.w() >= 1.0 && frame.h() >= 1.0) {
        return Ok(());
    }
    let linear = ax.scale == [Scale::Linear; 2];
    let limits = if ax.equal_datalim && linear {
        equal_datalim(limits, frame)
    } else {
        limits
    };
    let tf = Transform::new(limits.0, limits.1, frame, ax);

    // matplotlib's z-order: images, then patches (bars, fills), then lines, then text.
    for a in &ax.artists {
        if let Artist::Image(im) = a {
            draw_image(cv, &tf, im)?;
        }
    }
    for a in &ax.artists {
        match a {
            Artist::Hist(hist) => draw_hist(cv, &tf, hist)?,
            Artist::Fill(f) => draw_fill(cv, &tf, f)?,
            _ => {}
        }
    }
    for a in &ax.artists {
        match a {
            Artist::Series(s) => draw_series(cv, &tf, s)?,
            Artist::RefLine(l) => draw_refline(cv, &tf, l)?,
            Artist::Segments(s) => draw_segments(cv, &tf, s)?,
            _ => {}
        }
    }
    for a in &ax.artists {
        if let Artist::Text(t) = a {
            draw_text(cv, &tf, t)?;
        }
    }

    let k = Color::BLACK;
    let (l, t, r, b) = (frame.l, frame.t, frame.r, frame.b);
    if ax.axis_on {
        // Spines (a twin draws only its right one: the others lie on its parent's).
        let [sl, sb, sr, st] = ax.spines;
        if sl && !ax.twin {
            cv.vrule(l, t, b + 1.0, k)?;
        }
        if sr {
            cv.vrule(r, t, b + 1.0, k)?;
        }
        if st && !ax.twin {
            cv.hrule(t, l, r + 1.0, k)?;
        }
        if sb && !ax.twin {
            cv.hrule(b, l, r + 1.0, k)?;
        }
    }

    // x ticks (a twin shares its parent's and draws none).
    let mut below_ticks = b;
    if ax.axis_on && !ax.twin {
        let xt = tick_set(ax, true, tf.x, nbins(frame.w(), 3.0 * cv.tick_font()));
        for v in &xt.minor {
            let x = tf.px(*v);
            if x.is_finite() {
                cv.vrule(x, b, b + 2.0 * cv.pt + 1.0, k)?;
            }
        }
        for (i, v) in xt.major.iter().enumerate() {
            let x = tf.px(*v);
            if !x.is_finite() {
                continue;
            }
            cv.vrule(x, b, b + cv.tick_len() + 1.0, k)?;
            if let Some(s) = xt.labels.get(i) {
                cv.text(
                    s,
                    (x, b + cv.tick_len() + cv.tick_pad()),
                    cv.tick_font(),
                    HPos::Center,
                    VAlign::Top,
                    false,
                    k,
                )?;
            }
        }
        below_ticks = b + cv.tick_len();
        if !xt.labels.is_empty() {
            let math = xt.labels.iter().any(|s| mathtext::has_math(s));
            below_ticks += cv.tick_pad() + if math { 1.35 } else { 1.1 } * cv.tick_font();
        }
        if let Some(m) = xt.multiplier {
            cv.text(
                &m,
                (r, below_ticks + 2.0),
                cv.tick_font(),
                HPos::Right,
                VAlign::Top,
                false,
                k,
            )?;
        }
    }

    // y ticks: on the left, or on the right for a twin.
    let right = ax.twin;
    let (edge, out) = if right { (r, 1.0) } else { (l, -1.0) };
    let mut widest = 0.0f64;
    if ax.axis_on {
        let yt = tick_set(ax, false, tf.y, nbins(frame.h(), 2.0 * cv.tick_font()));
        for v in &yt.minor {
            let y = tf.py(*v);
            if y.is_finite() {
                cv.hrule(y, edge, edge + out * 2.0 * cv.pt, k)?;
            }
        }
        for (i, v) in yt.major.iter().enumerate() {
            let y = tf.py(*v);
            if !y.is_finite() {
                continue;
            }
            cv.hrule(
                y,
                edge + out * cv.tick_len(),
                edge + if right { 1.0 } else { 0.0 },
                k,
            )?;
            if let Some(s) = yt.labels.get(i) {
                cv.text(
                    s,
                    (edge + out * (cv.tick_len() + cv.tick_pad()), y),
                    cv.tick_font(),
                    if right { HPos::Left } else { HPos::Right },
                    VAlign::Center,
                    false,
                    k,
                )?;
                widest = widest.max(text_width(s, cv.tick_font()));
            }
        }
        if let Some(m) = yt.multiplier {
            cv.text(
                &m,
                (edge, t - 4.0),
                cv.tick_font(),
                if right { HPos::Right } else { HPos::Left },
                VAlign::Bottom,
                false,
                k,
            )?;
        }
    }

    if let (Some(s), true, false) = (ax.shown_label(true), ax.axis_on, ax.twin) {
        cv.text(
            s,
            ((l + r) / 2.0, below_ticks + cv.label_pad()),
            cv.label_font(),
            HPos::Center,
            VAlign::Top,
            false,
            k,
        )?;
    }
    if let (Some(s), true) = (ax.shown_label(false), ax.axis_on) {
        let gap = cv.tick_len()
            + if widest > 0.0 {
                cv.tick_pad() + widest
            } else {
                0.0
            };
        let x = edge + out * (gap + cv.label_pad());
        if ax.ylabel_horizontal {
            cv.text(
                s,
                (x, (t + b) / 2.0),
                cv.label_font(),
                if right { HPos::Left } else { HPos::Right },
                VAlign::Center,
                false,
                k,
            )?;
        } else {
            cv.text(
                s,
                (x, (t + b) / 2.0),
                cv.label_font(),
                HPos::Center,
                if right { VAlign::Top } else { VAlign::Bottom },
                true,
                k,
            )?;
        }
    }
    if let Some(s) = &ax.title {
        cv.text(
            s,
            ((l + r) / 2.0, t - cv.title_pad()),
            cv.title_font(),
            HPos::Center,
            VAlign::Bottom,
            false,
            k,
        )?;
    }
    if ax.legend {
        draw_legend(cv, ax, &tf)?;
    }
    if let (Some(cb), Some(im)) = (colorbar, ax.colorbar_image()) {
        draw_colorbar(cv, im, cb)?;
    }
    Ok(())
}

/// A clipped segment: its ends and whether the start / end were cut.
type Clipped = ((f64, f64), (f64, f64), bool, bool);

/// Liang-Barsky: the part of segment `p`-`q` inside `r`.
fn clip(p: (f64, f64), q: (f64, f64), r: &Rect) -> Option<Clipped> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [
        (-dx, p.0 - r.l),
        (dx, r.r - p.0),
        (-dy, p.1 - r.t),
        (dy, r.b - p.1),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let t = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0.is_nan() || t1.is_nan() || t0 > t1 {
        return None;
    }
    let a = (p.0 + t0 * dx, p.1 + t0 * dy);
    let b = (p.0 + t1 * dx, p.1 + t1 * dy);
    Some((a, b, t0 > 0.0, t1 < 1.0))
}

/// Splits the polyline through `pts` (None = gap) into the runs visible
/// inside `frame`.
fn clipped_runs(pts: &[Option<(f64, f64)>], frame: &Rect) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let flush = |cur: &mut Vec<(f64, f64)>, runs: &mut Vec<Vec<(f64, f64)>>| {
        if cur.len() >= 2 {
            runs.push(std::mem::take(cur));
        } else {
            cur.clear();
        }
    };
    for w in pts.windows(2) {
        match (w[0], w[1]) {
            (Some(p), Some(q)) => match clip(p, q, frame) {
                Some((a, b, cut_start, cut_end)) => {
                    if cur.is_empty() || cut_start {
                        flush(&mut cur, &mut runs);
                        cur.push(a);
                    }
                    cur.push(b);
                    if cut_end {
                        flush(&mut cur, &mut runs);
                    }
                }
                None => flush(&mut cur, &mut runs),
            },
            _ => flush(&mut cur, &mut runs),
        }
    }
    flush(&mut cur, &mut runs);
    runs
}

/// Thins a dense polyline whose x never decreases (a time series) to at
/// most four points per pixel column: the first, lowest, highest and last
/// point of the column, in their original order. The drawn line covers the
/// same pixels, but a million-sample trace costs a few thousand segments.
/// `None` when the polyline is short or not monotonic in x.
fn decimate_columns(pts: &[(f64, f64)]) -> Option<Vec<(f64, f64)>> {
    let (first, last) = (pts.first()?.0, pts.last()?.0);
    let span = last - first;
    if !(span.is_finite() && (pts.len() as f64) > 4.0 * (span + 1.0)) {
        return None;
    }
    if pts.windows(2).any(|w| w[1].0 < w[0].0) {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < pts.len() {
        let col = pts[start].0.floor();
        let mut end = start;
        while end < pts.len() && pts[end].0.floor() == col {
            end += 1;
        }
        let group = &pts[start..end];
        let lowest = (0..group.len()).max_by(|&a, &b| group[a].1.total_cmp(&group[b].1));
        let highest = (0..group.len()).min_by(|&a, &b| group[a].1.total_cmp(&group[b].1));
        let mut keep = vec![0, group.len() - 1];
        keep.extend(lowest);
        keep.extend(highest);
        keep.sort_unstable();
        keep.dedup();
        out.extend(keep.into_iter().map(|i| group[i]));
        start = end.max(start + 1);
    }
    Some(out)
}

/// Distance from `c` to the segment `a`-`b`.
fn distance_to_segment(c: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((c.0 - a.0) * dx + (c.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (c.0 - (a.0 + t * dx)).hypot(c.1 - (a.1 + t * dy))
}

/// Pixels covered by a polyline `width` pixels wide (round joins and
/// caps), with their coverage in (0, 1]: each pixel's coverage is
/// `width / 2 + 0.5 - distance` from its centre to the nearest segment,
/// clamped, taking the maximum over segments so joins are not darkened.
/// Work is proportional to the line's length times its width.
fn antialiased_polyline(pts: &[(f64, f64)], width: f64) -> Vec<((i32, i32), f32)> {
    use std::collections::HashMap;
    let r = width / 2.0;
    let ext = r + 1.0;
    let mut cover: HashMap<(i32, i32), f32> = HashMap::new();
    let mut add = |x: i64, y: i64, a: (f64, f64), b: (f64, f64)| {
        let d = distance_to_segment((x as f64, y as f64), a, b);
        let cov = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
        if cov > 0.0 {
            let key = (
                x.clamp(-1 << 24, 1 << 24) as i32,
                y.clamp(-1 << 24, 1 << 24) as i32,
            );
            let e = cover.entry(key).or_insert(0.0);
            *e = e.max(cov);
        }
    };
    let single = [pts[0], pts[0]];
    let segments = if pts.len() == 1 { &single[..] } else { pts };
    for w in segments.windows(2) {
        let (a, b) = (w[0], w[1]);
        if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
            continue;
        }
        // Walk along the major axis (u), covering a band across it (v).
        let steep = (b.1 - a.1).abs() > (b.0 - a.0).abs();
        let (pa, pb) = if steep {
            ((a.1, a.0), (b.1, b.0))
        } else {
            (a, b)
        };
        let (p, q) = if pa.0 <= pb.0 { (pa, pb) } else { (pb, pa) };
        if q.0 - p.0 > 1.0e6 {
            // Callers clip to the axes first; never loop over absurd spans.
            continue;
        }
        let slope = if q.0 > p.0 {
            (q.1 - p.1) / (q.0 - p.0)
        } else {
            0.0
        };
        let (u0, u1) = ((p.0 - ext).floor() as i64, (q.0 + ext).ceil() as i64);
        for u in u0..=u1 {
            let lo = (u as f64).clamp(p.0, q.0);
            let hi = (u as f64 + 1.0).clamp(p.0, q.0);
            let (va, vb) = (p.1 + (lo - p.0) * slope, p.1 + (hi - p.0) * slope);
            let (v0, v1) = (
                (va.min(vb) - ext).floor() as i64,
                (va.max(vb) + ext).ceil() as i64,
            );
            for v in v0..=v1 {
                if steep {
                    add(v, u, a, b);
                } else {
                    add(u, v, a, b);
                }
            }
        }
    }
    cover.into_iter().collect()
}

/// Pixels covered by a disk of radius `r` centred at `c`, with coverage
/// (pixel centres at integer coordinates, as for the lines).
fn antialiased_disk(c: (f64, f64), r: f64) -> Vec<((i32, i32), f32)> {
    let mut out = Vec::new();
    if !(c.0.is_finite() && c.1.is_finite() && r.is_finite()) {
        return out;
    }
    let ext = r + 1.0;
    let (x0, x1) = ((c.0 - ext).floor() as i32, (c.0 + ext).ceil() as i32);
    let (y0, y1) = ((c.1 - ext).floor() as i32, (c.1 + ext).ceil() as i32);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let d = (f64::from(x) - c.0).hypot(f64::from(y) - c.1);
            let cov = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
            if cov > 0.0 {
                out.push(((x, y), cov));
            }
        }
    }
    out
}

/// matplotlib's dash patterns (on, off, ...) in units of the line width.
fn dash_pattern(p: LinePattern) -> Option<&'static [f64]> {
    match p {
        LinePattern::Dashed => Some(&[3.7, 1.6]),
        LinePattern::Dotted => Some(&[1.0, 1.65]),
        LinePattern::DashDot => Some(&[6.4, 1.6, 1.0, 1.6]),
        LinePattern::Solid | LinePattern::None => None,
    }
}

fn polyline_length(run: &[(f64, f64)]) -> f64 {
    run.windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum()
}

/// Cuts a polyline into dashes; `pattern` in pixels, alternating on/off,
/// starting "on". Non-positive pattern entries return the line unchanged.
fn dashes(run: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let period: f64 = pattern.iter().sum();
    if run.len() < 2
        || pattern.iter().any(|d| d.is_nan() || *d <= 0.0)
        || polyline_length(run) / period > MAX_DASHES
    {
        return vec![run.to_vec()];
    }
    let mut out = Vec::new();
    let mut idx = 0;
    let mut left = pattern[0];
    let mut cur = vec![run[0]];
    for w in run.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len.is_nan() || len <= 0.0 {
            continue;
        }
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let mut done = 0.0;
        while len - done > 1e-9 {
            let step = left.min(len - done);
            done += step;
            left -= step;
            let p = (a.0 + ux * done, a.1 + uy * done);
            let on = idx % 2 == 0;
            if on {
                cur.push(p);
            }
            if left <= 1e-9 {
                if on {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur = vec![p];
                }
                idx = (idx + 1) % pattern.len();
                left = pattern[idx];
            }
        }
    }
    if idx % 2 == 0 && cur.len() >= 2 {
        out.push(cur);
    }
    out
}

fn line_width_px(points: f64, pt: f64) -> f64 {
    let w = points * pt;
    if w.is_finite() {
        w.clamp(0.5, 100.0)
    } else {
        1.0
    }
}

fn draw_line_runs_alpha<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    runs: Vec<Vec<(f64, f64)>>,
    pattern: LinePattern,
    linewidth_pt: f64,
    color: Color,
    alpha: f64,
) -> Result<(), PlotError> {
    let width = line_width_px(linewidth_pt, cv.pt);
    for run in runs {
        match dash_pattern(pattern) {
            Some(p) => {
                let scaled: Vec<f64> = p.iter().map(|d| d * linewidth_pt * cv.pt).collect();
                for piece in dashes(&run, &scaled) {
                    cv.path_alpha(&piece, color, width, alpha)?;
                }
            }
            None => cv.path_alpha(&run, color, width, alpha)?,
        }
    }
    Ok(())
}

/// How one series draws its markers.
#[derive(Clone, Copy)]
struct MarkerStyle {
    marker: Marker,
    /// Points.
    size: f64,
    color: Color,
    alpha: f64,
    mec: Option<Option<Color>>,
    mfc: Option<Option<Color>>,
    mew: f64,
}

impl MarkerStyle {
    fn of(s: &Series) -> Option<MarkerStyle> {
        Some(MarkerStyle {
            marker: s.marker?,
            size: s.markersize,
            color: s.color,
            alpha: s.alpha,
            mec: s.mec,
            mfc: s.mfc,
            mew: s.mew,
        })
    }

    fn draw<DB: DrawingBackend>(&self, cv: &Canvas<DB>, p: (f64, f64)) -> Result<(), PlotError> {
        let m = self.marker;
        let line_marker = matches!(
            m,
            Marker::Plus | Marker::Cross | Marker::VLine | Marker::HLine
        );
        let edge_px = line_width_px(self.mew, cv.pt);
        if line_marker || m == Marker::Pixel || (self.mec.is_none() && self.mfc.is_none()) {
            // Line markers take the edge colour; others are filled in the line colour with
            // a matching edge.
            let color = match self.mec {
                Some(Some(c)) if line_marker => c,
                Some(None) if line_marker => return Ok(()),
                _ => self.color,
            };
            let r = match m {
                Marker::VLine | Marker::HLine => self.size * cv.pt / 2.0,
                _ => marker_radius(m, self.size, cv.pt),
            };
            return cv.marker_alpha(m, p, r, color, self.alpha, edge_px);
        }
        // Face and edge drawn separately (`mfc`, `mec`).
        let r = match m {
            Marker::Point => self.size * cv.pt / 4.0,
            _ => self.size * cv.pt / 2.0,
        };
        let face = self.mfc.unwrap_or(Some(self.color));
        let edge = self.mec.unwrap_or(Some(self.color));
        if let Some(c) = face {
            cv.marker_alpha(m, p, r, c, self.alpha, edge_px)?;
        }
        if let Some(c) = edge {
            let outline = marker_outline(m, p, r);
            cv.path_alpha(&outline, c, edge_px, self.alpha)?;
        }
        Ok(())
    }
}

/// The closed outline of a filled marker of radius `r` at `c`.
fn marker_outline(m: Marker, (x, y): (f64, f64), r: f64) -> Vec<(f64, f64)> {
    let poly = |pts: &[(f64, f64)]| {
        let mut v: Vec<(f64, f64)> = pts.iter().map(|&(dx, dy)| (x + dx, y + dy)).collect();
        v.push(v[0]);
        v
    };
    match m {
        Marker::Square => {
            let h = r * 0.9;
            poly(&[(-h, -h), (h, -h), (h, h), (-h, h)])
        }
        Marker::Triangle => {
            let h = r * 1.1;
            poly(&[(0.0, -h), (-0.866 * h, 0.5 * h), (0.866 * h, 0.5 * h)])
        }
        Marker::Diamond => {
            let h = r * 0.85;
            poly(&[(0.0, -h), (h, 0.0), (0.0, h), (-h, 0.0)])
        }
        _ => {
            let n = 32;
            let pts: Vec<(f64, f64)> = (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * f64::from(i) / f64::from(n);
                    (r * a.cos(), r * a.sin())
                })
                .collect();
            poly(&pts)
        }
    }
}

/// Marker radius in pixels: half the marker size, `'.'` half as big again,
/// plus half of matplotlib's 1 pt marker edge for the larger markers.
fn marker_radius(m: Marker, size_pt: f64, pt: f64) -> f64 {
    // matplotlib's "." is a circle half the marker size across; every filled marker has
    // a 1 pt edge around it, half of it outside.
    let r = match m {
        Marker::Point => size_pt * pt / 4.0 + 0.5 * pt,
        _ => size_pt * pt / 2.0 + 0.5 * pt,
    };
    if r.is_finite() {
        r.clamp(0.5, 100.0)
    } else {
        2.0
    }
}

fn draw_series<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    s: &Series,
) -> Result<(), PlotError> {
    let pts: Vec<Option<(f64, f64)>> =
        s.x.iter()
            .zip(&s.y)
            .map(|(&x, &y)| {
                if x.is_finite() && y.is_finite() {
                    tf.point(x, y)
                } else {
                    None
                }
            })
            .collect();
    if s.pattern != LinePattern::None {
        draw_line_runs_alpha(
            cv,
            clipped_runs(&pts, &tf.frame),
            s.pattern,
            s.linewidth,
            s.color,
            s.alpha,
        )?;
    }
    if let Some(ms) = MarkerStyle::of(s) {
        for p in pts.into_iter().flatten() {
            if tf.frame.contains(p, 0.5) {
                ms.draw(cv, p)?;
            }
        }
    }
    Ok(())
}

fn draw_segments<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    s: &Segments,
) -> Result<(), PlotError> {
    let runs: Vec<Vec<(f64, f64)>> = s
        .segs
        .iter()
        .filter_map(|&(p, q)| {
            let (a, b) = (tf.point(p.0, p.1)?, tf.point(q.0, q.1)?);
            let (a, b, _, _) = clip(a, b, &tf.frame)?;
            Some(vec![a, b])
        })
        .collect();
    draw_line_runs_alpha(cv, runs, s.pattern, s.linewidth, s.color, s.alpha)
}

/// Sutherland-Hodgman: the part of polygon `pts` inside `r`.
fn clip_polygon(pts: &[(f64, f64)], r: &Rect) -> Vec<(f64, f64)> {
    type Inside = fn(&Rect, (f64, f64)) -> bool;
    type Cut = fn(&Rect, (f64, f64), (f64, f64)) -> (f64, f64);
    let edges: [(Inside, Cut); 4] = [
        (
            |r, p| p.0 >= r.l,
            |r, p, q| (r.l, p.1 + (q.1 - p.1) * (r.l - p.0) / (q.0 - p.0)),
        ),
        (
            |r, p| p.0 <= r.r,
            |r, p, q| (r.r, p.1 + (q.1 - p.1) * (r.r - p.0) / (q.0 - p.0)),
        ),
        (
            |r, p| p.1 >= r.t,
            |r, p, q| (p.0 + (q.0 - p.0) * (r.t - p.1) / (q.1 - p.1), r.t),
        ),
        (
            |r, p| p.1 <= r.b,
            |r, p, q| (p.0 + (q.0 - p.0) * (r.b - p.1) / (q.1 - p.1), r.b),
        ),
    ];
    let mut out: Vec<(f64, f64)> = pts.to_vec();
    for (inside, cut) in edges {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            return out;
        };
        let mut prev = last;
        for &p in &input {
            match (inside(r, p), inside(r, prev)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cut(r, prev, p));
                    out.push(p);
                }
                (false, true) => out.push(cut(r, prev, p)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

fn draw_fill<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    f: &Fill,
) -> Result<(), PlotError> {
    // Each run of points with all three values drawable is one polygon.
    let mut run: Vec<((f64, f64), (f64, f64))> = Vec::new();
    let flush = |run: &mut Vec<Segment>| -> Result<(), PlotError> {
        if run.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = run.iter().map(|p| p.0).collect();
            poly.extend(run.iter().rev().map(|p| p.1));
            cv.polygon(&clip_polygon(&poly, &tf.frame), f.color, f.alpha)?;
        }
        run.clear();
        Ok(())
    };
    for i in 0..f.x.len() {
        match (tf.point(f.x[i], f.y1[i]), tf.point(f.x[i], f.y2[i])) {
            (Some(a), Some(b)) => run.push((a, b)),
            _ => flush(&mut run)?,
        }
    }
    flush(&mut run)
}

fn draw_text<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    t: &TextArtist,
) -> Result<(), PlotError> {
    let f = &tf.frame;
    let p = if t.opts.axes_coords {
        (f.l + t.x * f.w(), f.b - t.y * f.h())
    } else {
        (tf.px(t.x), tf.py(t.y))
    };
    if !(p.0.is_finite() && p.1.is_finite()) {
        return Ok(());
    }
    let h = match t.opts.ha {
        HAlign::Left => HPos::Left,
        HAlign::Center => HPos::Center,
        HAlign::Right => HPos::Right,
    };
    let v = match t.opts.va {
        TextVAlign::Baseline => VAlign::Baseline,
        TextVAlign::Bottom => VAlign::Bottom,
        TextVAlign::Center => VAlign::Center,
        TextVAlign::Top => VAlign::Top,
    };
    let em = t.opts.fontsize.clamp(0.5, 500.0) * cv.pt;
    cv.text(&t.text, p, em, h, v, false, t.opts.color)
}

fn draw_refline<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    l: &RefLine,
) -> Result<(), PlotError> {
    if !l.value.is_finite() {
        return Ok(());
    }
    let f = &tf.frame;
    let (s0, s1) = l.span;
    let run = if l.horizontal {
        let y = tf.py(l.value);
        if !(y >= f.t - 0.5 && y <= f.b + 0.5) {
            return Ok(());
        }
        vec![(f.l + s0 * f.w(), y), (f.l + s1 * f.w(), y)]
    } else {
        let x = tf.px(l.value);
        if !(x >= f.l - 0.5 && x <= f.r + 0.5) {
            return Ok(());
        }
        vec![(x, f.b - s0 * f.h()), (x, f.b - s1 * f.h())]
    };
    draw_line_runs_alpha(cv, vec![run], l.pattern, l.linewidth, l.color, l.alpha)
}

/// Clamps an interval to `[lo, hi]`; `None` if nothing is left.
fn clamp_span(a: f64, b: f64, lo: f64, hi: f64) -> Option<(f64, f64)> {
    let (a, b) = (a.min(b).max(lo), a.max(b).min(hi));
    (a < b).then_some((a, b))
}

fn draw_hist<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    h: &Hist,
) -> Result<(), PlotError> {
    let f = &tf.frame;
    for (i, &count) in h.counts.iter().enumerate() {
        let (Some(&e0), Some(&e1)) = (h.edges.get(i), h.edges.get(i + 1)) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        let xs = clamp_span(tf.px(e0), tf.px(e1), f.l, f.r);
        let ys = clamp_span(tf.py0(), tf.py(count as f64), f.t, f.b);
        if let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) {
            cv.fill_rect((x0, y0), (x1, y1), h.color, h.alpha)?;
        }
    }
    Ok(())
}

/// Pixel spans of cells `0..n` whose centres are at data `0, 1, ...`,
/// clipped to `[lo, hi]` and rounded; cells narrower than a pixel are
/// dropped (nearest-neighbour sampling).
fn cell_spans(n: usize, map: impl Fn(f64) -> f64, lo: f64, hi: f64) -> Vec<(usize, i32, i32)> {
    let mut out = Vec::new();
    for i in 0..n {
        let (a, b) = (map(i as f64 - 0.5), map(i as f64 + 0.5));
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        if let Some((a, b)) = clamp_span(a, b, lo, hi) {
            let (a, b) = (ipx(a), ipx(b));
            if a < b {
                out.push((i, a, b));
            }
        }
    }
    out
}

fn draw_image<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    tf: &Transform,
    im: &Image,
) -> Result<(), PlotError> {
    let Some((lo, hi)) = im.clim() else {
        return Ok(());
    };
    let f = &tf.frame;
    let cols = cell_spans(im.ncols, |v| tf.px(v), f.l, f.r);
    let rows = cell_spans(im.nrows, |v| tf.py(v), f.t, f.b);
    for &(r, y0, y1) in &rows {
        for &(c, x0, x1) in &cols {
            let Some(&v) = im.data.get(r * im.ncols + c) else {
                continue;
            };
            if !v.is_finite() {
                continue;
            }
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
            let color = im.opts.cmap.at(t);
            cv.fill_rect(
                (f64::from(x0), f64::from(y0)),
                (f64::from(x1), f64::from(y1)),
                color,
                1.0,
            )?;
        }
    }
    Ok(())
}

fn draw_colorbar<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    im: &Image,
    cb: Rect,
) -> Result<(), PlotError> {
    if !(cb.w() >= 1.0 && cb.h() >= 1.0) {
        return Ok(());
    }
    let (lo, hi) = im.clim().unwrap_or((0.0, 1.0));
    let n = cb.h().round().clamp(1.0, 256.0) as usize;
    for i in 0..n {
        let y0 = cb.b - cb.h() * (i as f64) / n as f64;
        let y1 = cb.b - cb.h() * (i as f64 + 1.0) / n as f64;
        let color = im.opts.cmap.at((i as f64 + 0.5) / n as f64);
        cv.fill_rect((cb.l, y1), (cb.r, y0), color, 1.0)?;
    }
    let k = Color::BLACK;
    cv.frame(cb, k)?;
    if hi.is_nan() || lo.is_nan() || hi <= lo {
        return Ok(());
    }
    let ticks = locate(lo, hi, nbins(cb.h(), 2.0 * cv.tick_font()));
    let (labels, mul) = format_ticks(&ticks);
    let widest = labels
        .iter()
        .map(|s| text_width(s, cv.tick_font()))
        .fold(0.0, f64::max);
    if let Some(label) = &im.label {
        let x = cb.r + cv.tick_len() + cv.tick_pad() + widest + cv.label_pad();
        cv.text(
            label,
            (x, (cb.t + cb.b) / 2.0),
            cv.label_font(),
            HPos::Center,
            VAlign::Top,
            true,
            k,
        )?;
    }
    for (v, s) in ticks.iter().zip(&labels) {
        let y = cb.b - (v - lo) / (hi - lo) * cb.h();
        if !y.is_finite() {
            continue;
        }
        cv.hrule(y, cb.r, cb.r + cv.tick_len() + 1.0, k)?;
        cv.text(
            s,
            (cb.r + cv.tick_len() + cv.tick_pad(), y),
            cv.tick_font(),
            HPos::Left,
            VAlign::Center,
            false,
            k,
        )?;
    }
    if let Some(m) = mul {
        cv.text(
            &m,
            (cb.l, cb.t - 4.0),
            cv.tick_font(),
            HPos::Left,
            VAlign::Bottom,
            false,
            k,
        )?;
    }
    Ok(())
}

struct LegendEntry<'a> {
    label: &'a str,
    color: Color,
    pattern: LinePattern,
    linewidth: f64,
    alpha: f64,
    marker: Option<MarkerStyle>,
    /// A filled box (fills and bars) instead of a line.
    patch: bool,
}

/// Pixel points and segments of the data, for `loc='best'`.
/// What matplotlib's `loc="best"` weighs, in pixels: each line's vertices (a line whose
/// point is not finite has a gap there), scatter points, and bar rectangles. Lines
/// between markers count too, drawn or not, as matplotlib's paths do; line collections
/// (vlines, hlines, error bars), images and texts are not weighed.
struct LegendObstacles {
    paths: Vec<Vec<Option<(f64, f64)>>>,
    offsets: Vec<(f64, f64)>,
    boxes: Vec<Rect>,
}

impl LegendObstacles {
    fn of(ax: &Axes, tf: &Transform) -> Self {
        let mut o = LegendObstacles {
            paths: Vec::new(),
            offsets: Vec::new(),
            boxes: Vec::new(),
        };
        let f = tf.frame;
        for a in &ax.artists {
            match a {
                Artist::Series(s) => {
                    let p = s.x.iter().zip(&s.y).map(|(&x, &y)| tf.point(x, y));
                    if s.kind == super::axes::SeriesKind::Scatter {
                        o.offsets.extend(p.flatten());
                    } else {
                        o.paths.push(p.collect());
                    }
                }
                Artist::RefLine(r) => {
                    let (a, b) = r.span;
                    o.paths.push(if r.horizontal {
                        let y = tf.py(r.value);
                        vec![Some((f.l + a * f.w(), y)), Some((f.l + b * f.w(), y))]
                    } else {
                        let x = tf.px(r.value);
                        vec![Some((x, f.b - a * f.h())), Some((x, f.b - b * f.h()))]
                    });
                }
                Artist::Fill(fl) => {
                    let top = fl.x.iter().zip(&fl.y1).map(|(&x, &y)| tf.point(x, y));
                    let bottom = fl.x.iter().zip(&fl.y2).rev().map(|(&x, &y)| tf.point(x, y));
                    let mut poly: Vec<_> = top.chain(bottom).collect();
                    if let Some(&first) = poly.first() {
                        poly.push(first);
                    }
                    o.paths.push(poly);
                }
                Artist::Hist(h) => {
                    for (i, &c) in h.counts.iter().enumerate() {
                        if let (Some(&e0), Some(&e1)) = (h.edges.get(i), h.edges.get(i + 1)) {
                            if let (Some(p), Some(q)) = (tf.point(e0, 0.0), tf.point(e1, c as f64))
                            {
                                o.boxes.push(Rect {
                                    l: p.0.min(q.0),
                                    r: p.0.max(q.0),
                                    t: p.1.min(q.1),
                                    b: p.1.max(q.1),
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        o
    }

    /// matplotlib's badness of a legend at `b`: vertices and points inside, bars
    /// overlapping, and one for each line crossing it.
    fn badness(&self, b: &Rect) -> usize {
        let inside = |p: &(f64, f64)| b.contains(*p, 0.0);
        let vertices: usize = self
            .paths
            .iter()
            .map(|p| p.iter().flatten().filter(|q| inside(q)).count())
            .sum();
        let crossing = self
            .paths
            .iter()
            .filter(|p| {
                p.windows(2).any(|w| match (w[0], w[1]) {
                    (Some(a), Some(c)) => clip(a, c, b).is_some(),
                    _ => false,
                })
            })
            .count();
        let overlaps = self
            .boxes
            .iter()
            .filter(|r| r.l < b.r && r.r > b.l && r.t < b.b && r.b > b.t)
            .count();
        vertices + self.offsets.iter().filter(|q| inside(q)).count() + overlaps + crossing
    }
}

fn draw_legend<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    ax: &Axes,
    tf: &Transform,
) -> Result<(), PlotError> {
    let frame = tf.frame;
    let entries: Vec<LegendEntry> = ax
        .artists
        .iter()
        .filter_map(|a| match a {
            Artist::Series(s) => s.label.as_deref().map(|label| LegendEntry {
                label,
                color: s.color,
                pattern: s.pattern,
                linewidth: s.linewidth,
                alpha: s.alpha,
                marker: MarkerStyle::of(s),
                patch: false,
            }),
            Artist::RefLine(l) => l.label.as_deref().map(|label| LegendEntry {
                label,
                color: l.color,
                pattern: l.pattern,
                linewidth: l.linewidth,
                alpha: l.alpha,
                marker: None,
                patch: false,
            }),
            Artist::Segments(l) => l.label.as_deref().map(|label| LegendEntry {
                label,
                color: l.color,
                pattern: l.pattern,
                linewidth: l.linewidth,
                alpha: l.alpha,
                marker: None,
                patch: false,
            }),
            Artist::Fill(f) => f.label.as_deref().map(|label| LegendEntry {
                label,
                color: f.color,
                pattern: LinePattern::None,
                linewidth: 0.0,
                alpha: f.alpha,
                marker: None,
                patch: true,
            }),
            Artist::Hist(h) => h.label.as_deref().map(|label| LegendEntry {
                label,
                color: h.color,
                pattern: LinePattern::None,
                linewidth: 0.0,
                alpha: h.alpha,
                marker: None,
                patch: true,
            }),
            _ => None,
        })
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let em = cv.legend_font();
    let text_w = entries
        .iter()
        .map(|e| text_width(e.label, em))
        .fold(0.0, f64::max);
    // A row is as tall as DejaVu Sans' text line in matplotlib (the height of "lp":
    // 1.0325 em, measured from matplotlib's legend boxes).
    let (pad, row, gap, handle, handle_pad) = (0.4 * em, 1.0325 * em, 0.5 * em, 2.0 * em, 0.8 * em);
    let n = entries.len() as f64;
    let w = 2.0 * pad + handle + handle_pad + text_w;
    let h = 2.0 * pad + n * row + (n - 1.0) * gap;
    // matplotlib's borderaxespad: 0.5 font sizes from the axes' edges.
    let border = 0.5 * em;
    let place = |loc: LegendLoc| {
        let (fx, fy) = loc.anchor();
        let l = frame.l + border + fx * (frame.w() - 2.0 * border - w);
        let t = frame.t + border + (1.0 - fy) * (frame.h() - 2.0 * border - h);
        Rect {
            l,
            t,
            r: l + w,
            b: t + h,
        }
    };
    let bx = match ax.legend_loc {
        LegendLoc::Best => {
            // The first place (in matplotlib's order) with the least badness.
            let obstacles = LegendObstacles::of(ax, tf);
            let mut best = (usize::MAX, place(LegendLoc::UpperRight));
            for loc in LegendLoc::CANDIDATES {
                let b = place(loc);
                let bad = obstacles.badness(&b);
                if bad < best.0 {
                    best = (bad, b);
                }
                if bad == 0 {
                    break;
                }
            }
            best.1
        }
        loc => place(loc),
    };
    cv.fill_rect((bx.l, bx.t), (bx.r, bx.b), Color::WHITE, 0.8)?;
    cv.outline_rect(bx, LEGEND_EDGE)?;
    for (i, e) in entries.iter().enumerate() {
        let yc = bx.t + pad + row / 2.0 + i as f64 * (row + gap);
        let x0 = bx.l + pad;
        if e.patch {
            cv.fill_rect(
                (x0, yc - 0.35 * em),
                (x0 + handle, yc + 0.35 * em),
                e.color,
                e.alpha,
            )?;
        }
        if e.pattern != LinePattern::None {
            draw_line_runs_alpha(
                cv,
                vec![vec![(x0, yc), (x0 + handle, yc)]],
                e.pattern,
                e.linewidth,
                e.color,
                e.alpha,
            )?;
        }
        if let Some(ms) = e.marker {
            ms.draw(cv, (x0 + handle / 2.0, yc))?;
        }
        cv.text(
            e.label,
            (x0 + handle + handle_pad, yc),
            em,
            HPos::Left,
            VAlign::Center,
            false,
            Color::BLACK,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Rect = Rect {
        l: 0.0,
        t: 0.0,
        r: 10.0,
        b: 10.0,
    };

    #[test]
    fn clipping_splits_lines_at_the_frame_and_at_gaps() {
        let pts = vec![
            Some((1.0, 1.0)),
            Some((5.0, 5.0)),
            Some((20.0, 5.0)),
            Some((5.0, 6.0)),
            None,
            Some((2.0, 2.0)),
            Some((3.0, 3.0)),
        ];
        let runs = clipped_runs(&pts, &FRAME);
        assert_eq!(runs.len(), 3, "{runs:?}");
        assert_eq!(runs[0], vec![(1.0, 1.0), (5.0, 5.0), (10.0, 5.0)]);
        assert_eq!(runs[1].last(), Some(&(5.0, 6.0)));
        assert_eq!(runs[2], vec![(2.0, 2.0), (3.0, 3.0)]);
        assert!(clipped_runs(&[Some((-5.0, -5.0)), Some((-1.0, 20.0))], &FRAME).is_empty());
        assert!(clipped_runs(&[], &FRAME).is_empty());
        assert!(clipped_runs(&[Some((1.0, 1.0))], &FRAME).is_empty());
    }

    #[test]
    fn tight_layout_fits_the_margins_to_the_labels() {
        let mut fig = Figure::new();
        for k in 1..=2 {
            let ax = fig.subplot(2, 1, k).unwrap();
            ax.plot(vec![0.0, 1000.0], vec![0.0, 100.0], Default::default())
                .unwrap();
            ax.xlabel("Time (ms)");
            ax.ylabel("Neuron index");
        }
        let (w, h, pt) = (800.0, 600.0, 100.0 / 72.0);
        let p = tight_pars(&fig, w, h, pt);
        // Wider axes than matplotlib's fixed parameters, yet room for the labels: the left
        // margin holds "100" (3 digits), the tick, its pad and the y label, plus the pad.
        assert!(p.left < 0.125 && p.right > 0.9 && p.bottom < 0.11 && p.top > 0.88);
        let left_px = p.left * w;
        let needed = text_width("100", 10.0 * pt) + 7.0 * pt + 12.0 * pt + 4.0 * pt;
        assert!(
            left_px > needed && left_px < needed + 12.0 * pt,
            "{left_px} {needed}"
        );
        // The gap between the rows holds the upper x label and tick labels.
        let upper = cell_rect_with(SubplotSpec::cell(2, 1, 1), w, h, p, None);
        let lower = cell_rect_with(SubplotSpec::cell(2, 1, 2), w, h, p, None);
        let gap = lower.t - upper.b;
        assert!(gap > (11.0 + 7.0 + 16.0) * pt, "{gap}");
        // A figure too small for its labels keeps the fixed parameters.
        assert_eq!(tight_pars(&fig, 40.0, 30.0, pt).left, 0.125);
    }

    #[test]
    fn dashes_alternate() {
        let d = dashes(&[(0.0, 0.0), (10.0, 0.0)], &[2.0, 1.0]);
        // on 0-2, 3-5, 6-8, 9-10
        assert_eq!(d.len(), 4, "{d:?}");
        assert_eq!(d[0], vec![(0.0, 0.0), (2.0, 0.0)]);
        assert_eq!(d[3], vec![(9.0, 0.0), (10.0, 0.0)]);
        // Around a corner the dash continues.
        let d = dashes(&[(0.0, 0.0), (1.0, 0.0), (1.0, 5.0)], &[2.0, 10.0]);
        assert_eq!(d, vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]);
        assert_eq!(dashes(&[(0.0, 0.0), (1.0, 0.0)], &[0.0, 1.0]).len(), 1);
    }

    #[test]
    fn dense_time_series_keep_their_extremes() {
        let pts: Vec<(f64, f64)> = (0..1000)
            .map(|i| (i as f64 * 0.01, (i % 7) as f64 * 10.0))
            .collect();
        let d = decimate_columns(&pts).unwrap();
        assert!(d.len() <= 4 * 10, "{}", d.len());
        assert_eq!(d.first(), pts.first());
        assert_eq!(d.last(), pts.last());
        for col in 0..10 {
            let ys: Vec<f64> = d
                .iter()
                .filter(|p| p.0.floor() == col as f64)
                .map(|p| p.1)
                .collect();
            assert!(
                ys.contains(&0.0) && ys.contains(&60.0),
                "column {col}: {ys:?}"
            );
        }
        // Sparse or non-monotonic lines are left alone.
        let sparse: Vec<(f64, f64)> = (0..20).map(|i| (f64::from(i) * 3.0, 1.0)).collect();
        assert!(decimate_columns(&sparse).is_none());
        let mut back = pts.clone();
        back.swap(10, 500);
        assert!(decimate_columns(&back).is_none());
        assert!(decimate_columns(&[]).is_none());
    }

    #[test]
    fn antialiased_shapes_have_soft_edges() {
        let px: std::collections::HashMap<(i32, i32), f32> =
            antialiased_polyline(&[(0.0, 10.0), (10.0, 10.0)], 2.0)
                .into_iter()
                .collect();
        assert_eq!(px.get(&(5, 10)), Some(&1.0));
        assert_eq!(px.get(&(5, 9)), Some(&0.5));
        assert_eq!(px.get(&(5, 11)), Some(&0.5));
        assert_eq!(px.get(&(5, 12)), None);
        // Joins take the maximum coverage, never more than 1.
        let bent = antialiased_polyline(&[(0.0, 0.0), (5.0, 5.0), (10.0, 0.0)], 3.0);
        assert!(bent.iter().all(|&(_, c)| c > 0.0 && c <= 1.0));
        // A single point is a dot; non-finite input draws nothing.
        assert!(!antialiased_polyline(&[(3.0, 3.0)], 2.0).is_empty());
        assert!(antialiased_polyline(&[(f64::NAN, 0.0), (1.0, 1.0)], 2.0).is_empty());
        assert!(antialiased_polyline(&[(0.0, 0.0), (1e9, 0.0)], 2.0).is_empty());

        let disk: std::collections::HashMap<(i32, i32), f32> =
            antialiased_disk((5.0, 5.0), 2.0).into_iter().collect();
        assert_eq!(disk.get(&(5, 5)), Some(&1.0));
        assert_eq!(disk.get(&(7, 5)), Some(&0.5));
        assert_eq!(disk.get(&(8, 5)), None);
        assert!(antialiased_disk((f64::INFINITY, 0.0), 2.0).is_empty());
    }

    #[test]
    fn grid_cells_follow_matplotlib() {
        let one = cell_rect(SubplotSpec::cell(1, 1, 1), 800.0, 600.0);
        assert_eq!((one.l, one.r), (100.0, 720.0));
        assert!((one.t - 72.0).abs() < 1e-9 && (one.b - 534.0).abs() < 1e-9);
        let top = cell_rect(SubplotSpec::cell(2, 1, 1), 800.0, 600.0);
        let bl = cell_rect(SubplotSpec::cell(2, 2, 3), 800.0, 600.0);
        let br = cell_rect(SubplotSpec::cell(2, 2, 4), 800.0, 600.0);
        assert!(top.b < bl.t && (bl.t - br.t).abs() < 1e-9 && bl.r < br.l);
        assert!((br.r - 720.0).abs() < 1e-9 && (bl.b - 534.0).abs() < 1e-9);
    }
}
