//! Colours, matplotlib's default colour cycle and colour maps for images.

/// An opaque RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// matplotlib's default property cycle (`tab10`), used for lines, points and
/// histograms whose colour is not given.
pub const TAB10: [Color; 10] = [
    Color::rgb(0x1f, 0x77, 0xb4),
    Color::rgb(0xff, 0x7f, 0x0e),
    Color::rgb(0x2c, 0xa0, 0x2c),
    Color::rgb(0xd6, 0x27, 0x28),
    Color::rgb(0x94, 0x67, 0xbd),
    Color::rgb(0x8c, 0x56, 0x4b),
    Color::rgb(0xe3, 0x77, 0xc2),
    Color::rgb(0x7f, 0x7f, 0x7f),
    Color::rgb(0xbc, 0xbd, 0x22),
    Color::rgb(0x17, 0xbe, 0xcf),
];

impl Color {
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    pub const RED: Color = Color::rgb(255, 0, 0);
    /// matplotlib's `'g'` (0, 0.5, 0).
    pub const GREEN: Color = Color::rgb(0, 128, 0);
    pub const BLUE: Color = Color::rgb(0, 0, 255);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b }
    }

    /// From components in `[0, 1]` (clamped; NaN counts as 0).
    pub fn from_f64(r: f64, g: f64, b: f64) -> Self {
        fn c(v: f64) -> u8 {
            if v.is_nan() {
                0
            } else {
                (v.clamp(0.0, 1.0) * 255.0).round() as u8
            }
        }
        Color::rgb(c(r), c(g), c(b))
    }

    /// The `i`-th colour of the default cycle (`C0`, `C1`, ..., wrapping).
    pub fn cycle(i: usize) -> Self {
        TAB10[i % TAB10.len()]
    }

    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Parses a matplotlib colour specification:
    /// single letters `b g r c m y k w`, names (`red`, `blue`, `gray`,
    /// `orange`, ..., also `tab:blue` etc.), `C0`..`C9`, `#rgb`, `#rrggbb`,
    /// and grey levels as a number string in `[0, 1]` (`"0.5"`).
    /// Returns `None` for anything else.
    pub fn parse(spec: &str) -> Option<Color> {
        let s = spec.trim().to_ascii_lowercase();
        if let Some(hex) = s.strip_prefix('#') {
            return parse_hex(hex);
        }
        if let Some(n) = s.strip_prefix('c') {
            if let Ok(i) = n.parse::<usize>() {
                return Some(Color::cycle(i));
            }
        }
        if let Ok(level) = s.parse::<f64>() {
            if (0.0..=1.0).contains(&level) {
                return Some(Color::from_f64(level, level, level));
            }
            return None;
        }
        let name = s.strip_prefix("tab:").unwrap_or(&s);
        let c = match name {
            "b" => Color::BLUE,
            "g" => Color::GREEN,
            "r" => Color::RED,
            "c" => Color::from_f64(0.0, 0.75, 0.75),
            "m" => Color::from_f64(0.75, 0.0, 0.75),
            "y" => Color::from_f64(0.75, 0.75, 0.0),
            "k" | "black" => Color::BLACK,
            "w" | "white" => Color::WHITE,
            "red" => Color::RED,
            "green" => Color::GREEN,
            "blue" => Color::BLUE,
            "cyan" | "aqua" => Color::rgb(0, 255, 255),
            "magenta" | "fuchsia" => Color::rgb(255, 0, 255),
            "yellow" => Color::rgb(255, 255, 0),
            "gray" | "grey" => Color::rgb(128, 128, 128),
            "lightgray" | "lightgrey" => Color::rgb(211, 211, 211),
            "darkgray" | "darkgrey" => Color::rgb(169, 169, 169),
            "orange" => Color::rgb(255, 165, 0),
            "purple" => Color::rgb(128, 0, 128),
            "brown" => Color::rgb(165, 42, 42),
            "pink" => Color::rgb(255, 192, 203),
            "olive" => Color::rgb(128, 128, 0),
            "navy" => Color::rgb(0, 0, 128),
            "teal" => Color::rgb(0, 128, 128),
            _ => return None,
        };
        // `tab:` names refer to the tab10 palette rather than CSS colours.
        if s.starts_with("tab:") {
            let i = match name {
                "blue" => 0,
                "orange" => 1,
                "green" => 2,
                "red" => 3,
                "purple" => 4,
                "brown" => 5,
                "pink" => 6,
                "gray" | "grey" => 7,
                "olive" => 8,
                "cyan" => 9,
                _ => return None,
            };
            return Some(TAB10[i]);
        }
        Some(c)
    }
}

fn parse_hex(hex: &str) -> Option<Color> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => {
            let d = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok().map(|v| v * 17);
            Some(Color::rgb(d(0)?, d(1)?, d(2)?))
        }
        6 => {
            let d = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            Some(Color::rgb(d(0)?, d(2)?, d(4)?))
        }
        _ => None,
    }
}

/// A colour map turning normalised values in `[0, 1]` into colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colormap {
    /// matplotlib's default perceptually uniform map (dark purple to yellow).
    #[default]
    Viridis,
    /// The rainbow map that was matplotlib's (and Brian 1's) default.
    Jet,
    /// Black to white.
    Gray,
    /// Black, red, yellow, white.
    Hot,
}

/// viridis sampled at 9 evenly spaced points (linear interpolation between
/// them differs from the 256-entry table by at most a few levels).
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2d, 0x7b),
    (0x3b, 0x52, 0x8b),
    (0x2c, 0x72, 0x8e),
    (0x21, 0x90, 0x8c),
    (0x27, 0xad, 0x81),
    (0x5d, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

impl Colormap {
    /// By matplotlib name: `viridis`, `jet`, `gray`/`grey`, `hot`.
    pub fn parse(name: &str) -> Option<Colormap> {
        match name.trim().to_ascii_lowercase().as_str() {
            "viridis" => Some(Colormap::Viridis),
            "jet" => Some(Colormap::Jet),
            "gray" | "grey" => Some(Colormap::Gray),
            "hot" => Some(Colormap::Hot),
            _ => None,
        }
    }

    /// The colour for `t` in `[0, 1]` (clamped; NaN maps to 0).
    pub fn at(self, t: f64) -> Color {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        match self {
            Colormap::Viridis => {
                let x = t * (VIRIDIS.len() - 1) as f64;
                let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
                let f = x - i as f64;
                let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
                let mix = |p: u8, q: u8| (f64::from(p) * (1.0 - f) + f64::from(q) * f) / 255.0;
                Color::from_f64(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
            }
            Colormap::Jet => Color::from_f64(
                piecewise(
                    t,
                    &[
                        (0.0, 0.0),
                        (0.35, 0.0),
                        (0.66, 1.0),
                        (0.89, 1.0),
                        (1.0, 0.5),
                    ],
                ),
                piecewise(
                    t,
                    &[
                        (0.0, 0.0),
                        (0.125, 0.0),
                        (0.375, 1.0),
                        (0.64, 1.0),
                        (0.91, 0.0),
                        (1.0, 0.0),
                    ],
                ),
                piecewise(
                    t,
                    &[
                        (0.0, 0.5),
                        (0.11, 1.0),
                        (0.34, 1.0),
                        (0.65, 0.0),
                        (1.0, 0.0),
                    ],
                ),
            ),
            Colormap::Gray => Color::from_f64(t, t, t),
            Colormap::Hot => Color::from_f64(
                piecewise(t, &[(0.0, 0.0416), (0.365079, 1.0), (1.0, 1.0)]),
                piecewise(
                    t,
                    &[(0.0, 0.0), (0.365079, 0.0), (0.746032, 1.0), (1.0, 1.0)],
                ),
                piecewise(t, &[(0.0, 0.0), (0.746032, 0.0), (1.0, 1.0)]),
            ),
        }
    }
}

/// Linear interpolation through `(x, y)` knots sorted by `x`.
fn piecewise(t: f64, knots: &[(f64, f64)]) -> f64 {
    for w in knots.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if t <= x1 {
            if x1 <= x0 {
                return y1;
            }
            return y0 + (y1 - y0) * ((t - x0) / (x1 - x0)).clamp(0.0, 1.0);
        }
    }
    knots.last().map_or(0.0, |k| k.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_matplotlib_colours() {
        assert_eq!(Color::parse("r"), Some(Color::RED));
        assert_eq!(Color::parse("k"), Some(Color::BLACK));
        assert_eq!(Color::parse("C1"), Some(TAB10[1]));
        assert_eq!(Color::parse("C11"), Some(TAB10[1]));
        assert_eq!(Color::parse("#ff8000"), Some(Color::rgb(255, 128, 0)));
        assert_eq!(Color::parse("#f80"), Some(Color::rgb(255, 136, 0)));
        assert_eq!(Color::parse("0.5"), Some(Color::rgb(128, 128, 128)));
        assert_eq!(Color::parse("tab:orange"), Some(TAB10[1]));
        assert_eq!(Color::parse("Orange"), Some(Color::rgb(255, 165, 0)));
        for bad in ["", "#12", "#gggggg", "nope", "2.0", "tab:navy", "#ééé"] {
            assert_eq!(Color::parse(bad), None, "{bad}");
        }
        assert_eq!(TAB10[0].to_hex(), "#1f77b4");
    }

    #[test]
    fn colormaps_hit_their_ends() {
        assert_eq!(Colormap::Viridis.at(0.0), Color::rgb(0x44, 0x01, 0x54));
        assert_eq!(Colormap::Viridis.at(1.0), Color::rgb(0xfd, 0xe7, 0x25));
        assert_eq!(Colormap::Viridis.at(f64::NAN), Colormap::Viridis.at(0.0));
        assert_eq!(Colormap::Viridis.at(7.0), Colormap::Viridis.at(1.0));
        assert_eq!(Colormap::Jet.at(0.0), Color::rgb(0, 0, 128));
        assert_eq!(Colormap::Jet.at(1.0), Color::rgb(128, 0, 0));
        assert_eq!(Colormap::Gray.at(1.0), Color::WHITE);
        assert_eq!(Colormap::Hot.at(1.0), Color::WHITE);
        assert_eq!(Colormap::parse("JET"), Some(Colormap::Jet));
    }
}
