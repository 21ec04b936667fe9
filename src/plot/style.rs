//! Line and marker styles (the `fmt` strings and keyword arguments of
//! matplotlib's `plot`).

use super::color::Color;
use super::PlotError;

/// How the segments between data points are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinePattern {
    /// `'-'`
    #[default]
    Solid,
    /// `'--'`
    Dashed,
    /// `':'`
    Dotted,
    /// `'-.'`
    DashDot,
    /// No line, markers only.
    None,
}

/// A marker drawn at every data point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `'.'`: a small dot (half the size of the other markers).
    Point,
    /// `'o'`
    Circle,
    /// `'s'`
    Square,
    /// `'^'`
    Triangle,
    /// `'D'` / `'d'`
    Diamond,
    /// `'+'`
    Plus,
    /// `'x'`
    Cross,
    /// `','`: a single pixel.
    Pixel,
    /// `'|'`: a vertical tick as tall as the marker size.
    VLine,
    /// `'_'`: a horizontal tick.
    HLine,
}

/// Style of one data series: what `plot(x, y, fmt, label=..., color=...)`
/// accepts in matplotlib. All fields are optional; `Default` gives a solid
/// line without markers in the next colour of the axes' cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineStyle {
    /// Shown in the legend (series without a label are left out of it).
    pub label: Option<String>,
    /// `None`: the next colour of the axes' tab10 cycle.
    pub color: Option<Color>,
    /// Ignored by `scatter`.
    pub linestyle: LinePattern,
    pub marker: Option<Marker>,
    /// Line width in points (default 1.5, as matplotlib).
    pub linewidth: Option<f64>,
    /// Marker size in points (default 6, as matplotlib; `'.'` is drawn at
    /// half that size).
    pub markersize: Option<f64>,
    /// Opacity 0..=1 (matplotlib's `alpha`; default opaque).
    pub alpha: Option<f64>,
    /// Marker edge colour (`mec`): `Some(None)` is `'none'`; default the line colour.
    pub mec: Option<Option<Color>>,
    /// Marker face colour (`mfc`): `Some(None)` is `'none'` (hollow markers).
    pub mfc: Option<Option<Color>>,
    /// Marker edge width in points (`mew`, default 1).
    pub mew: Option<f64>,
}

impl LineStyle {
    /// The default style (solid line, cycle colour, no marker, no label).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    pub fn with_linestyle(mut self, linestyle: LinePattern) -> Self {
        self.linestyle = linestyle;
        self
    }

    pub fn with_marker(mut self, marker: Marker) -> Self {
        self.marker = Some(marker);
        self
    }

    pub fn with_linewidth(mut self, points: f64) -> Self {
        self.linewidth = Some(points);
        self
    }

    pub fn with_markersize(mut self, points: f64) -> Self {
        self.markersize = Some(points);
        self
    }

    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = Some(alpha);
        self
    }

    /// Marker edge colour; `None` draws no edge (`mec='none'`).
    pub fn with_mec(mut self, color: Option<Color>) -> Self {
        self.mec = Some(color);
        self
    }

    /// Marker face colour; `None` leaves markers hollow (`mfc='none'`).
    pub fn with_mfc(mut self, color: Option<Color>) -> Self {
        self.mfc = Some(color);
        self
    }

    pub fn with_mew(mut self, points: f64) -> Self {
        self.mew = Some(points);
        self
    }

    /// Parses a matplotlib format string such as `"r.-"`, `"k--"`, `"o"`,
    /// `"C2:"`: at most one colour (`b g r c m y k w` or `C0`..`C9`), one
    /// marker (`. , o s ^ D d + x | _`) and one line style
    /// (`- -- : -.`), in any order. As in matplotlib, a marker without a
    /// line style means no line; an empty string is the default style.
    pub fn from_fmt(fmt: &str) -> Result<LineStyle, PlotError> {
        let bad = |why: &str| PlotError::InvalidArgument(format!("format string {fmt:?}: {why}"));
        let mut style = LineStyle::default();
        let mut line: Option<LinePattern> = None;
        let chars: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            // Line styles (two-character ones first).
            let pattern = match (c, next) {
                ('-', Some('-')) => Some((LinePattern::Dashed, 2)),
                ('-', Some('.')) => Some((LinePattern::DashDot, 2)),
                ('-', _) => Some((LinePattern::Solid, 1)),
                (':', _) => Some((LinePattern::Dotted, 1)),
                _ => None,
            };
            if let Some((p, n)) = pattern {
                if line.is_some() {
                    return Err(bad("two line styles"));
                }
                line = Some(p);
                i += n;
                continue;
            }
            let marker = match c {
                '.' => Some(Marker::Point),
                ',' => Some(Marker::Pixel),
                '|' => Some(Marker::VLine),
                '_' => Some(Marker::HLine),
                'o' => Some(Marker::Circle),
                's' => Some(Marker::Square),
                '^' => Some(Marker::Triangle),
                'D' | 'd' => Some(Marker::Diamond),
                '+' => Some(Marker::Plus),
                'x' => Some(Marker::Cross),
                _ => None,
            };
            if let Some(m) = marker {
                if style.marker.is_some() {
                    return Err(bad("two markers"));
                }
                style.marker = Some(m);
                i += 1;
                continue;
            }
            let color = match c {
                'C' => {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .take_while(|d| d.is_ascii_digit())
                        .collect();
                    if digits.is_empty() {
                        return Err(bad("'C' must be followed by a digit"));
                    }
                    i += digits.len();
                    Color::parse(&format!("C{digits}"))
                }
                'b' | 'g' | 'r' | 'c' | 'm' | 'y' | 'k' | 'w' => Color::parse(&c.to_string()),
                _ => return Err(bad(&format!("unknown character {c:?}"))),
            };
            if style.color.is_some() {
                return Err(bad("two colours"));
            }
            style.color = color;
            i += 1;
        }
        style.linestyle = match (line, style.marker) {
            (Some(p), _) => p,
            (None, Some(_)) => LinePattern::None,
            (None, None) => LinePattern::Solid,
        };
        Ok(style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_strings() {
        let s = LineStyle::from_fmt("r.-").unwrap();
        assert_eq!(s.color, Some(Color::RED));
        assert_eq!(s.marker, Some(Marker::Point));
        assert_eq!(s.linestyle, LinePattern::Solid);

        let s = LineStyle::from_fmt(".").unwrap();
        assert_eq!(s.linestyle, LinePattern::None);
        assert_eq!(s.color, None);

        let s = LineStyle::from_fmt("k--").unwrap();
        assert_eq!(
            (s.color, s.linestyle),
            (Some(Color::BLACK), LinePattern::Dashed)
        );
        assert_eq!(
            LineStyle::from_fmt("-.").unwrap().linestyle,
            LinePattern::DashDot
        );
        assert_eq!(
            LineStyle::from_fmt("C3:").unwrap().color,
            Some(Color::cycle(3))
        );
        assert_eq!(LineStyle::from_fmt("").unwrap(), LineStyle::default());

        for bad in ["rr", "--:", "oo", "q", "C", "r-é"] {
            assert!(LineStyle::from_fmt(bad).is_err(), "{bad}");
        }
    }
}
