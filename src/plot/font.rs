//! The embedded DejaVu Sans font and its one-time registration with
//! plotters' `ab_glyph` text backend.
//!
//! Figures never look for system fonts: the TrueType file is compiled into
//! the binary (`assets/fonts/DejaVuSans.ttf`, licence in
//! `assets/fonts/LICENSE`) and registered under [`FAMILY`] the first time a
//! figure is rendered or measured.

use std::sync::Once;

use plotters::style::{register_font, FontDesc, FontFamily, FontStyle};

/// The font family name figures use. Written as-is into SVG `font-family`
/// attributes, so it carries a generic fallback for SVG viewers without
/// DejaVu Sans; for bitmap output the embedded font is registered under this
/// exact name.
pub(crate) const FAMILY: &str = "DejaVu Sans, Bitstream Vera Sans, sans-serif";

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

static REGISTER: Once = Once::new();

/// Registers the embedded font (once per process). Safe to call from any
/// thread, any number of times. A font that fails to parse (impossible for
/// the embedded file) leaves text unmeasurable; rendering then reports a
/// backend error rather than panicking.
pub(crate) fn ensure_registered() {
    REGISTER.call_once(|| {
        let _ = register_font(FAMILY, FontStyle::Normal, FONT_BYTES);
        // Also answer plotters' generic family name, so plotters' own
        // defaults (if ever used) find a font too.
        let _ = register_font("sans-serif", FontStyle::Normal, FONT_BYTES);
    });
}

/// ab_glyph scales a font so that its ascent-to-descent height equals the
/// requested size; for DejaVu Sans that height is 1.164 em.
pub(crate) const AB_GLYPH_HEIGHT_PER_EM: f64 = 1.164;

/// Width in pixels of `text` set at `em_px` pixels per em, with mathtext (`$x^2$`)
/// typeset as the renderer does (scripts smaller).
pub(crate) fn text_width(text: &str, em_px: f64) -> f64 {
    if !super::mathtext::has_math(text) {
        return plain_width(text, em_px);
    }
    super::mathtext::parse(text)
        .iter()
        .map(|p| plain_width(&p.text, em_px * script_scale(p.level)))
        .sum()
}

/// Size factor of text at mathtext baseline `level`.
pub(crate) fn script_scale(level: i32) -> f64 {
    super::mathtext::SCRIPT_SCALE.powi(level.abs().min(3))
}

/// Width in pixels of plain `text` set at `em_px` pixels per em.
pub(crate) fn plain_width(text: &str, em_px: f64) -> f64 {
    ensure_registered();
    if text.is_empty() || em_px.is_nan() || em_px <= 0.0 {
        return 0.0;
    }
    let font = FontDesc::new(
        FontFamily::Name(FAMILY),
        em_px * AB_GLYPH_HEIGHT_PER_EM,
        FontStyle::Normal,
    );
    match font.box_size(text) {
        Ok((w, _)) => f64::from(w),
        // Fall back to an average advance of 0.6 em per character.
        Err(_) => 0.6 * em_px * text.chars().count() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_text_with_embedded_font() {
        let w1 = text_width("0", 13.9);
        let w3 = text_width("000", 13.9);
        // DejaVu Sans digits advance 0.636 em (widths come back truncated
        // to whole pixels).
        assert!((w1 - 0.636 * 13.9).abs() < 1.5, "{w1}");
        assert!((w3 - 3.0 * 0.636 * 13.9).abs() < 1.5, "{w3}");
        assert_eq!(text_width("", 13.9), 0.0);
    }
}
