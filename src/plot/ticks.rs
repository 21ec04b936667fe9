//! Tick placement and tick-label formatting, after matplotlib's
//! `MaxNLocator` (steps 1, 2, 2.5, 5, 10) and `ScalarFormatter`
//! (scientific multiplier outside 1e-5 .. 1e6, U+2212 minus signs).

/// At most this many ticks are ever produced for one axis.
const MAX_TICKS: f64 = 200.0;

/// Tick positions inside `[min(a, b), max(a, b)]`, at most `max_bins + 1`
/// of them (except when that would leave fewer than two), at multiples of a
/// "nice" step. Empty for non-finite or degenerate ranges.
pub(crate) fn locate(a: f64, b: f64, max_bins: usize) -> Vec<f64> {
    let (lo, hi) = (a.min(b), a.max(b));
    let span = hi - lo;
    if !(lo.is_finite() && hi.is_finite() && span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let raw = span / max_bins.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return Vec::new();
    }
    let mag = 10f64.powf(raw.log10().floor());
    // Candidate steps in increasing order, covering a decade below `raw`.
    let mut candidates = Vec::with_capacity(10);
    for m in [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0] {
        candidates.push(m * mag);
    }
    let first = candidates
        .iter()
        .position(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(candidates.len() - 1);
    // Take the smallest step that gives at most `max_bins` intervals; if it
    // leaves fewer than two ticks, step down.
    for idx in (0..=first).rev() {
        let step = candidates[idx];
        let ticks = multiples(lo, hi, step);
        if ticks.len() >= 2 || idx == 0 {
            return ticks;
        }
    }
    Vec::new()
}

/// Multiples of `step` in `[lo, hi]` (with a relative tolerance).
fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    if !(step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    let k0 = (lo / step - 1e-9).ceil();
    let k1 = (hi / step + 1e-9).floor();
    if !(k0.is_finite() && k1.is_finite()) || k1 < k0 || k1 - k0 > MAX_TICKS {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut k = k0;
    while k <= k1 {
        let v = k * step;
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        k += 1.0;
    }
    out
}

/// Labels for `ticks`, plus the multiplier text (e.g. `"1e−9"`) when the
/// labels are scaled, as matplotlib's ScalarFormatter does for values whose
/// order of magnitude is <= -5 or >= 6. All labels get the same number of
/// decimals: the fewest that represent every tick.
pub(crate) fn format_ticks(ticks: &[f64]) -> (Vec<String>, Option<String>) {
    format_ticks_within(ticks, Some(DEFAULT_SCI_LIMITS))
}

/// matplotlib's `axes.formatter.limits`: a multiplier when the largest tick's order of
/// magnitude is at most -5 or at least 6.
pub const DEFAULT_SCI_LIMITS: (i32, i32) = (-5, 6);

/// Tick labels with a `1eN` multiplier when the order of magnitude `o` of the largest
/// tick has `o <= m` or `o >= n` for `sci = Some((m, n))` (matplotlib's `scilimits`;
/// `(0, 0)`: whenever `o != 0`), never for `None` (`style="plain"`).
pub(crate) fn format_ticks_within(
    ticks: &[f64],
    sci: Option<(i32, i32)>,
) -> (Vec<String>, Option<String>) {
    let finite: Vec<f64> = ticks.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return (ticks.iter().map(|_| String::new()).collect(), None);
    }
    let max_abs = finite.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut oom = 0i32;
    if max_abs > 0.0 {
        let o = max_abs.log10().floor() as i32;
        oom = match sci {
            Some((0, 0)) => o,
            Some((m, n)) if o <= m || o >= n => o,
            _ => 0,
        };
    }
    let scale = 10f64.powi(oom);
    let scaled: Vec<f64> = finite.iter().map(|v| v / scale).collect();
    // The smallest gap between ticks sets the precision needed.
    let mut gap = f64::INFINITY;
    for w in scaled.windows(2) {
        let d = (w[1] - w[0]).abs();
        if d > 0.0 {
            gap = gap.min(d);
        }
    }
    if !gap.is_finite() {
        gap = scaled.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    }
    let tol = gap * 1e-3;
    let mut decimals = 0usize;
    while decimals < 12 {
        let p = 10f64.powi(decimals as i32);
        if scaled
            .iter()
            .all(|v| ((v * p).round() / p - v).abs() <= tol)
        {
            break;
        }
        decimals += 1;
    }
    let labels = ticks
        .iter()
        .map(|&v| {
            if v.is_finite() {
                number(v / scale, decimals)
            } else {
                String::new()
            }
        })
        .collect();
    let multiplier = (oom != 0).then(|| format!("1e{}", minus(&oom.to_string())));
    (labels, multiplier)
}

/// `v` with `decimals` decimals, "-0" shown as "0", minus as U+2212.
fn number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        return s[1..].to_string();
    }
    minus(&s)
}

fn minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[f64]) -> Vec<String> {
        format_ticks(ticks).0
    }

    #[test]
    fn nice_ticks_like_matplotlib() {
        assert_eq!(
            locate(0.0, 1.0, 9),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(
            locate(0.0, 100.0, 9),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        let t = locate(-0.07, -0.05, 9);
        assert_eq!(
            labels(&t),
            [
                "−0.0700",
                "−0.0675",
                "−0.0650",
                "−0.0625",
                "−0.0600",
                "−0.0575",
                "−0.0550",
                "−0.0525",
                "−0.0500"
            ]
        );
        // Inverted ranges are fine.
        assert_eq!(locate(10.0, 0.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        // At least two ticks when possible.
        assert!(locate(0.9, 1.1, 1).len() >= 2);
    }

    #[test]
    fn degenerate_ranges_give_no_ticks() {
        assert!(locate(1.0, 1.0, 9).is_empty());
        assert!(locate(f64::NAN, 1.0, 9).is_empty());
        assert!(locate(0.0, f64::INFINITY, 9).is_empty());
        assert!(locate(-f64::MAX, f64::MAX, 9).is_empty());
        assert!(locate(0.0, 1e-320, 9).len() <= 201);
        assert!(locate(1e300, 1e300 * (1.0 + 1e-15), 9).len() <= 201);
    }

    #[test]
    fn formats_labels() {
        assert_eq!(labels(&[0.0, 0.5, 1.0]), ["0.0", "0.5", "1.0"]);
        assert_eq!(labels(&[0.0, 0.25, 0.5]), ["0.00", "0.25", "0.50"]);
        assert_eq!(labels(&[0.0, 200.0, 400.0]), ["0", "200", "400"]);
        assert_eq!(labels(&[-1.0, 0.0, 1.0]), ["−1", "0", "1"]);
        assert_eq!(labels(&[0.6000000000000001, 0.8]), ["0.6", "0.8"]);
        let (l, m) = format_ticks(&[0.0, 1e-9, 2e-9]);
        assert_eq!(l, ["0", "1", "2"]);
        assert_eq!(m.as_deref(), Some("1e−9"));
        let (l, m) = format_ticks(&[0.0, 2e6, 4e6]);
        assert_eq!(l, ["0", "2", "4"]);
        assert_eq!(m.as_deref(), Some("1e6"));
        assert_eq!(format_ticks(&[]).0, Vec::<String>::new());
        assert_eq!(labels(&[f64::NAN, 1.0]), ["", "1"]);
    }
}
