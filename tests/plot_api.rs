//! matplotlib's figure vocabulary in scripts, checked on the SVG the scripts write:
//! subplots and Axes handles, plt., log scales, ticks, spans, twinx, text, mathtext,
//! fill_between, errorbar, vlines, spines, legend placement, and the errors for bad input.
//! Positions expected are matplotlib 3.11's (its subplot parameters at 800 x 600 px).

use brian::script::Session;
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-plot-api-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn session(dir: &Path) -> Session {
    let s = Session::new(dir.to_path_buf(), "fig".into());
    s.state.borrow_mut().quiet = true;
    s
}

/// Runs code ending with `savefig("out.svg")` and returns the SVG text.
fn svg_of(name: &str, code: &str) -> String {
    let dir = temp_dir(name);
    let mut s = session(&dir);
    let code = format!("{code}\nsavefig(\"out.svg\");");
    if let Err(e) = s.eval(&code, Some("test.rhai")) {
        panic!("{}", e.render("test.rhai", &code));
    }
    let svg = std::fs::read_to_string(dir.join("out.svg")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    svg
}

/// The error a script stops with.
fn error_of(name: &str, code: &str) -> String {
    let dir = temp_dir(name);
    let mut s = session(&dir);
    let e = match s.eval(code, Some("test.rhai")) {
        Ok(_) => panic!("no error from {code}"),
        Err(e) => e.render("test.rhai", code),
    };
    let _ = std::fs::remove_dir_all(&dir);
    e
}

/// (text, x, y, font-size) of each `<text>` (plotters writes the content on its own line).
fn texts(svg: &str) -> Vec<(String, f64, f64, f64)> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text"))
        .map(|w| {
            (
                w[1].trim().to_string(),
                attr(w[0], "x").unwrap(),
                attr(w[0], "y").unwrap(),
                attr(w[0], "font-size").unwrap(),
            )
        })
        .collect()
}

fn has_text(svg: &str, t: &str) -> bool {
    texts(svg).iter().any(|x| x.0 == t)
}

fn attr(line: &str, name: &str) -> Option<f64> {
    let k = line.find(&format!(" {name}=\""))? + name.len() + 3;
    line[k..].split('"').next()?.parse().ok()
}

/// x of the 1-pixel-wide vertical black rules taller than `min` px (spines).
fn vertical_spines(svg: &str, min: f64) -> Vec<(f64, f64)> {
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains("fill=\"#000000\""))
        .filter(|l| attr(l, "width") == Some(1.0) && attr(l, "height").unwrap() > min)
        .map(|l| (attr(l, "x").unwrap(), attr(l, "y").unwrap()))
        .collect()
}

fn polylines(svg: &str) -> Vec<&str> {
    svg.lines().filter(|l| l.starts_with("<polyline")).collect()
}

/// The points of a polyline or polygon.
fn points(line: &str) -> Vec<(f64, f64)> {
    let k = line.find("points=\"").unwrap() + 8;
    line[k..]
        .split('"')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn subplots_grid_sits_where_matplotlib_puts_it_and_axes_methods_draw_into_their_cell() {
    let svg = svg_of(
        "grid",
        r#"
        let r = subplots(2, 2);
        let fig = r[0];
        let axes = r[1];
        axes[0][1].plot([0, 1], [0, 1]);
        let ax = axes[1][0];
        ax.plot([0, 1], [1, 0]);
        ax.set_ylabel("lower left");
        fig.suptitle("Four");
        "#,
    );
    // matplotlib: x0, x1 = 100, 381.8 and 438.2, 720; tops at 72 and 324.
    let mut spines = vertical_spines(&svg, 150.0);
    spines.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let xs: Vec<f64> = spines.iter().map(|s| s.0).collect();
    assert_eq!(
        xs,
        vec![100.0, 100.0, 382.0, 382.0, 438.0, 438.0, 720.0, 720.0]
    );
    let tops: Vec<f64> = spines.iter().map(|s| s.1).collect();
    assert!(tops.iter().all(|&t| t == 72.0 || t == 324.0), "{tops:?}");
    // The upper right line lies in the upper right cell, the other in the lower left.
    let lines = polylines(&svg);
    assert_eq!(lines.len(), 2);
    let first = points(lines[0]);
    assert!(
        first.iter().all(|p| p.0 >= 438.0 && p.1 <= 283.0),
        "{first:?}"
    );
    let second = points(lines[1]);
    assert!(
        second.iter().all(|p| p.0 <= 382.0 && p.1 >= 324.0),
        "{second:?}"
    );
    assert!(has_text(&svg, "lower left") && has_text(&svg, "Four"));
    // suptitle: centred at the top (y = 0.98 of the figure).
    let sup = texts(&svg).into_iter().find(|t| t.0 == "Four").unwrap();
    assert!((sup.1 - 400.0).abs() < 1.0 && sup.2 < 20.0, "{sup:?}");
}

#[test]
fn subplots_squeezes_like_matplotlib() {
    let dir = temp_dir("squeeze");
    let mut s = session(&dir);
    let v = s
        .eval(
            r#"
            let a = subplots();
            let b = subplots(3);
            let c = subplots(1, 2);
            let d = subplots(2, 3, #{ squeeze: false });
            [type_of(a[1]), b[1].len(), type_of(b[1][0]), c[1].len(), d[1].len(), d[1][0].len(),
             type_of(a[0])]
            "#,
            None,
        )
        .unwrap();
    assert_eq!(v.to_string(), r#"["Axes", 3, "Axes", 2, 2, 3, "Figure"]"#);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sharex_hides_inner_tick_labels_and_shares_limits() {
    let svg = svg_of(
        "sharex",
        r#"
        let r = subplots(2, 1, #{ sharex: true });
        r[1][0].plot([0, 100], [0, 1]);
        r[1][1].plot([0, 5], [0, 1]);
        "#,
    );
    // Both axes run 0..100 (-5 to 105 with margins): "100" labels only the bottom axes.
    let hundreds: Vec<_> = texts(&svg).into_iter().filter(|t| t.0 == "100").collect();
    assert_eq!(hundreds.len(), 1, "{hundreds:?}");
    assert!(hundreds[0].2 > 500.0);
    let lines = polylines(&svg);
    let lower = points(lines[1]);
    // x = 5 of 105+5 is near the left edge, not at the right.
    assert!(lower[1].0 < 200.0, "{lower:?}");
}

#[test]
fn log_scale_labels_decades_as_ten_to_the_k() {
    let svg = svg_of(
        "log",
        r#"
        yscale("log");
        plot([1, 2, 3], [1, 10, 1000]);
        "#,
    );
    let t = texts(&svg);
    let tens: Vec<_> = t.iter().filter(|x| x.0 == "10").collect();
    assert_eq!(tens.len(), 4, "{t:?}"); // 10^0 .. 10^3
    for (k, ten) in tens.iter().enumerate() {
        // The exponent follows each "10", smaller and raised.
        let exp = t
            .iter()
            .find(|x| x.0 == k.to_string() && x.1 > ten.1 && (x.2 - ten.2).abs() < 8.0)
            .unwrap_or_else(|| panic!("no exponent {k}: {t:?}"));
        assert!(exp.3 < ten.3 && exp.2 < ten.2, "{exp:?} {ten:?}");
    }
    // Minor ticks: 8 per decade, shorter than the major ticks.
    let short = svg
        .lines()
        .filter(|l| l.starts_with("<rect") && attr(l, "height") == Some(1.0))
        .filter(|l| attr(l, "width").is_some_and(|w| (2.0..=4.0).contains(&w)))
        .count();
    // 1..1000 with margins of 5% in decades runs from 0.71 to 1413: 0.8, 0.9 and 2..9 x 1, 10, 100.
    assert_eq!(short, 26, "minor ticks");
    // loglog labels both axes that way; negative exponents use a minus sign.
    let svg = svg_of("loglog", "loglog([0.01, 1], [1, 100]);");
    assert!(has_text(&svg, "\u{2212}2"));
}

#[test]
fn ticks_can_be_placed_labelled_and_removed() {
    let svg = svg_of(
        "ticks",
        r#"
        plot([0, 1], [0, 1]);
        xticks([0, 1], ["a", "b"]);
        yticks([]);
        "#,
    );
    assert!(has_text(&svg, "a") && has_text(&svg, "b"));
    let numbers: Vec<_> = texts(&svg)
        .into_iter()
        .filter(|t| t.0.parse::<f64>().is_ok())
        .collect();
    assert!(numbers.is_empty(), "{numbers:?}");
    assert!(error_of("ticks-bad", r#"xticks([0, 1], ["a"]);"#)
        .contains("2 tick positions but 1 labels"));
}

#[test]
fn text_and_mathtext() {
    let svg = svg_of(
        "text",
        r#"
        plot([0, 10], [0, 10]);
        text(5, 5, "middle");
        let ax = gca();
        ax.text(0.0, 1.0, "corner", #{ transform: ax.transAxes, va: "top" });
        xlabel(`$\tau$ (ms)`);
        ylabel("$V_m$");
        title("$q^7$");
        "#,
    );
    let t = texts(&svg);
    let mid = t.iter().find(|x| x.0 == "middle").unwrap();
    // Data (5, 5) is the centre of the frame (100..720, 72..534); the baseline is there.
    assert!((mid.1 - 410.0).abs() < 1.5, "{mid:?}");
    let corner = t.iter().find(|x| x.0 == "corner").unwrap();
    assert!(
        (corner.1 - 100.0).abs() < 1.5 && corner.2 < 90.0,
        "{corner:?}"
    );
    assert!(has_text(&svg, "τ (ms)"));
    // V with a smaller subscript m; x with a smaller superscript 2.
    let v = t.iter().find(|x| x.0 == "V").unwrap();
    let m = t.iter().find(|x| x.0 == "m").unwrap();
    assert!(m.3 < v.3);
    let x = t.iter().find(|x| x.0 == "q").unwrap();
    let two = t.iter().find(|x| x.0 == "7").unwrap();
    assert!(two.3 < x.3 && two.2 < x.2 && two.1 > x.1);
    assert!(!svg.contains("$"), "raw TeX left in the figure");
}

#[test]
fn plt_object_subplot_spans_and_handles() {
    let svg = svg_of(
        "plt",
        r#"
        let top = plt.subplot(2, 2, [1, 2]);
        top.plot([0, 1], [0, 1]);
        let ax = subplot(223);
        plt.plot([0, 1], [1, 0], "r--");
        if gca() != ax { throw "gca is not the last subplot"; }
        top.set_xlabel("spanning");
        plt.xlim([0, 2]);
        "#,
    );
    // The span covers both columns: its top spine runs from 100 to 720.
    let wide = svg.lines().any(|l| {
        l.starts_with("<rect")
            && attr(l, "x") == Some(100.0)
            && attr(l, "width") == Some(621.0)
            && attr(l, "height") == Some(1.0)
    });
    assert!(wide, "no full-width spine");
    assert!(has_text(&svg, "spanning"));
}

#[test]
fn twinx_has_its_own_axis_on_the_right() {
    let svg = svg_of(
        "twinx",
        r#"
        plot([0, 1], [0, 1]);
        let ax2 = twinx();
        ax2.plot([0, 1], [100, 300], #{ color: "r" });
        ax2.set_ylabel("right label");
        "#,
    );
    let t = texts(&svg);
    let right = t.iter().find(|x| x.0 == "300").unwrap();
    assert!(right.1 > 720.0, "{right:?}");
    let label = t.iter().find(|x| x.0 == "right label").unwrap();
    assert!(label.1 > right.1);
    // The twin starts its own colour cycle (C0), as matplotlib: here overridden to red.
    assert!(svg.contains("stroke=\"#FF0000\""));
}

#[test]
fn fills_error_bars_segments_and_reference_lines() {
    let svg = svg_of(
        "shapes",
        r#"
        fill_between([0, 1, 2], [0, 1, 0], [1, 2, 1], #{ alpha: 0.3, label: "band" });
        errorbar([0, 1, 2], [0.5, 1.5, 0.5], #{ yerr: 0.25, fmt: "o", capsize: 3 });
        vlines([0.5, 1.5], 0, 2, #{ colors: "k" });
        hlines(1.0, 0, 2);
        axhline(0.5, #{ color: "g", ls: "--" });
        axvline(1.0);
        legend(#{ loc: "upper left" });
        "#,
    );
    let polygons: Vec<&str> = svg.lines().filter(|l| l.starts_with("<polygon")).collect();
    assert_eq!(polygons.len(), 1);
    assert!(polygons[0].contains("opacity=\"0.3\""));
    assert_eq!(points(polygons[0]).len(), 6);
    // 3 error bars, 2 vlines, 1 hline, 6 caps, axhline (dashed: many pieces), axvline.
    let black = polylines(&svg)
        .iter()
        .filter(|l| l.contains("stroke=\"#000000\""))
        .count();
    assert_eq!(black, 2);
    let circles = svg.lines().filter(|l| l.starts_with("<circle")).count();
    assert_eq!(circles, 3);
    assert!(has_text(&svg, "band"));
    assert!(
        polylines(&svg)
            .iter()
            .filter(|l| l.contains("stroke=\"#008000\""))
            .count()
            > 5
    );
}

#[test]
fn spines_axis_off_and_set() {
    let svg = svg_of(
        "spines",
        r#"
        let ax = gca();
        ax.plot([0, 1], [0, 1]);
        ax.spines["top"].set_visible(false);
        ax.spines["right"].set_visible(false);
        ax.set(#{ xlabel: "x", ylabel: "y", title: "t", xlim: [0, 2], ylim: [0, 2] });
        "#,
    );
    assert_eq!(vertical_spines(&svg, 300.0).len(), 1);
    assert!(
        has_text(&svg, "x")
            && has_text(&svg, "t")
            && (has_text(&svg, "2.00") || has_text(&svg, "2.0"))
    );
    let off = svg_of(
        "off",
        "plot([0, 1], [0, 1]); axis(\"off\"); title(\"kept\");",
    );
    assert!(vertical_spines(&off, 300.0).is_empty());
    assert_eq!(texts(&off).len(), 1);
    assert!(
        error_of("spine-bad", r#"gca().spines["middle"].set_visible(false);"#)
            .contains("unknown spine 'middle'")
    );
}

#[test]
fn markers_and_line_options() {
    let svg = svg_of(
        "markers",
        r#"
        plot([0, 1, 2], [0, 1, 0], "o", #{ mfc: "none", mec: "r", ms: 10 });
        plot([0, 1, 2], [1, 2, 1], "|", #{ color: "k" });
        plot([0, 2], [2, 0], #{ alpha: 0.5, lw: 4 });
        "#,
    );
    // Hollow circles: red outlines, no filled circles.
    assert_eq!(svg.lines().filter(|l| l.starts_with("<circle")).count(), 0);
    assert_eq!(
        polylines(&svg)
            .iter()
            .filter(|l| l.contains("stroke=\"#FF0000\""))
            .count(),
        3
    );
    // '|' draws a vertical tick per point.
    let ticks: Vec<_> = polylines(&svg)
        .into_iter()
        .filter(|l| l.contains("stroke=\"#000000\""))
        .map(points)
        .collect();
    assert_eq!(ticks.len(), 3);
    assert!(ticks.iter().all(|p| p[0].0 == p[1].0));
    assert!(svg.contains("opacity=\"0.5\"") && svg.contains("stroke-width=\"6\""));
}

#[test]
fn legend_best_avoids_the_data() {
    // Lines along the top and the bottom: the first free place is "right".
    let svg = svg_of(
        "best",
        r#"
        plot([0, 1, 2, 3], [10.5, 10.5, 10.5, 10.5], #{ label: "flat" });
        plot([0, 3], [-0.5, -0.5]);
        ylim(-1, 11);
        legend();
        "#,
    );
    let t = texts(&svg).into_iter().find(|x| x.0 == "flat").unwrap();
    assert!(t.2 > 200.0 && t.2 < 400.0 && t.1 > 500.0, "{t:?}");
    // An explicit place is kept even over data.
    let svg = svg_of(
        "loc",
        r#"plot([0, 1], [1, 1], #{ label: "flat" }); legend(#{ loc: "upper left" });"#,
    );
    let t = texts(&svg).into_iter().find(|x| x.0 == "flat").unwrap();
    assert!(t.1 < 200.0 && t.2 < 150.0, "{t:?}");
}

#[test]
fn figures_and_handles_from_old_figures() {
    let e = error_of(
        "stale",
        r#"
        let r = subplots();
        let old = r[1];
        figure();
        old.plot([1, 2], [1, 2]);
        "#,
    );
    assert!(e.contains("no longer the current one"), "{e}");
    let dir = temp_dir("numbers");
    let mut s = session(&dir);
    let _ = s
        .eval(
            r#"
        let f = figure(1);
        plot([1, 2], [1, 2]);
        figure(1);              // the same figure: nothing written yet
        plot([1, 2], [2, 1]);
        figure(2);              // a new one: figure 1 is written
        plot([1, 2], [1, 1]);
        close();                // dropped without writing
        "#,
            None,
        )
        .unwrap();
    let st = s.state.borrow();
    assert_eq!(st.figures_written.len(), 1);
    drop(st);
    for (code, msg) in [
        ("subplots(0, 2);", "need at least one row"),
        ("yscale(\"symlog\");", "unknown scale 'symlog'"),
        ("legend(#{ loc: \"top\" });", "unknown loc 'top'"),
        ("axis([0, 1]);", "four limits"),
        ("subplot(2, 2, [3, 1]);", "first <= last"),
        ("subplots(2, 1, #{ sharex: \"both\" });", "sharex should be"),
        (
            "plot([1], [1], #{ alpha: 2 });",
            "alpha must be between 0 and 1",
        ),
        ("text(0, 0, \"s\", #{ ha: \"middle\" });", "ha should be"),
    ] {
        let e = error_of("bad", code);
        assert!(e.contains(msg), "{code}: {e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `<text ...>` opening line of the text `t`.
fn text_tag<'a>(svg: &'a str, t: &str) -> &'a str {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .find(|w| w[0].starts_with("<text") && w[1].trim() == t)
        .map(|w| w[0])
        .unwrap_or_else(|| panic!("no text {t}"))
}

#[test]
fn gridspec_height_ratios_size_the_rows_as_matplotlib() {
    let svg = svg_of(
        "ratios",
        r#"
        let r = subplots(2, 1, #{ gridspec_kw: #{ height_ratios: [3, 1] } });
        r[1][0].plot([0, 1], [0, 1]);
        r[1][1].plot([0, 1], [1, 0]);
        "#,
    );
    // matplotlib at 800 x 600: rows 462 px tall in all, a gap of 0.2 cells (42 px):
    // 315 px from y = 72 and 105 px from y = 429.
    let mut frames: Vec<(f64, f64)> = svg
        .lines()
        .filter(|l| l.starts_with("<rect") && l.contains("fill=\"#000000\""))
        .filter(|l| attr(l, "width") == Some(1.0) && attr(l, "height").unwrap() > 50.0)
        .map(|l| (attr(l, "y").unwrap(), attr(l, "height").unwrap()))
        .collect();
    frames.sort_by(|a, b| a.partial_cmp(b).unwrap());
    frames.dedup();
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert!((frames[0].0 - 72.0).abs() <= 1.0 && (frames[0].1 - 315.0).abs() <= 2.0);
    assert!((frames[1].0 - 429.0).abs() <= 1.0 && (frames[1].1 - 105.0).abs() <= 2.0);
    let e = error_of(
        "ratios-bad",
        "subplots(2, 1, #{ gridspec_kw: #{ height_ratios: [3, 1, 1] } });",
    );
    assert!(e.contains("height_ratios has 3 values for 2 rows"), "{e}");
    let e = error_of(
        "ratios-key",
        "subplots(2, 1, #{ gridspec_kw: #{ hspace: 0.1 } });",
    );
    assert!(e.contains("gridspec_kw has no option 'hspace'"), "{e}");
}

#[test]
fn a_horizontal_ylabel_is_not_rotated() {
    let svg = svg_of(
        "rotation",
        r#"plot([0, 1], [0, 1]); ylabel("yy", #{ rotation: "horizontal" }); xlabel("xx", #{ rotation: 0 });"#,
    );
    let tag = text_tag(&svg, "yy");
    assert!(!tag.contains("rotate"), "{tag}");
    assert!(attr(tag, "x").unwrap() < 100.0);
    let svg = svg_of("rotation-v", r#"plot([0, 1], [0, 1]); ylabel("yy");"#);
    assert!(text_tag(&svg, "yy").contains("rotate(270"));
    let e = error_of(
        "rotation-bad",
        r#"plot([0, 1], [0, 1]); ylabel("y", #{ rotation: 45 });"#,
    );
    assert!(e.contains("only 0 (horizontal) and 90 (vertical)"), "{e}");
}

#[test]
fn ticklabel_format_plain_drops_the_multiplier() {
    let code = "plot([0, 1], [1e6, 2e6]);";
    let svg = svg_of("sci", code);
    assert!(has_text(&svg, "1e6"), "default: a multiplier");
    let svg = svg_of(
        "plain",
        &format!("{code} ticklabel_format(#{{ style: \"plain\", useOffset: false }});"),
    );
    assert!(!has_text(&svg, "1e6") && has_text(&svg, "2000000"));
    let svg = svg_of(
        "sci00",
        "plot([0, 1], [0, 20]); ticklabel_format(#{ axis: \"y\", style: \"sci\", scilimits: [0, 0] });",
    );
    assert!(has_text(&svg, "1e1"));
    let e = error_of(
        "offset",
        "plot([0, 1], [0, 1]); ticklabel_format(#{ useOffset: true });",
    );
    assert!(e.contains("useOffset true is not drawn"), "{e}");
}

#[test]
fn tick_labels_may_be_an_array() {
    let svg = svg_of(
        "array-labels",
        "plot([0, 1], [0, 1]); yticks([0, 1], array([1000.4, 49.9], #{ dtype: \"int\" }));",
    );
    assert!(has_text(&svg, "1000") && has_text(&svg, "49"));
}

#[test]
fn a_users_label_puts_data_with_units_back_in_base_units() {
    // Data with units get a unit to suit them, with a default label ...
    let svg = svg_of("auto-unit", "plot([0, 1, 2], [1000, 2000, 3000] * Hz);");
    assert!(has_text(&svg, "3.00") && !has_text(&svg, "3000"));
    // ... but a label the user writes describes what matplotlib would show for Brian 2's
    // quantities: base units, whether set after plotting or before.
    let svg = svg_of(
        "label-after",
        "plot([0, 1, 2], [1000, 2000, 3000] * Hz); ylabel(\"rate (Hz)\");",
    );
    assert!(has_text(&svg, "3000") && !has_text(&svg, "3.00"));
    let svg = svg_of(
        "label-before",
        "ylabel(\"rate (Hz)\"); plot([0, 1, 2], [1000, 2000, 3000] * Hz);",
    );
    assert!(has_text(&svg, "3000") && !has_text(&svg, "3.00"));
    // A unit the user chose by dividing stays.
    let svg = svg_of(
        "divided",
        "plot([0, 1, 2], [1000, 2000, 3000] * Hz / kHz); ylabel(\"rate (kHz)\");",
    );
    assert!(has_text(&svg, "3.00"));
}

#[test]
fn subplots_leave_the_last_axes_current_and_inner_axes_without_default_labels() {
    let svg = svg_of(
        "current",
        r#"
        let r = subplots(2, 1, #{ sharex: true });
        r[1][0].plot([0, 1, 2] * ms, [0, 1, 2]);
        r[1][1].plot([0, 1, 2] * ms, [2, 1, 0]);
        if gca() != r[1][1] { throw "gca() should be the last axes"; }
        "#,
    );
    let ms: Vec<_> = texts(&svg).into_iter().filter(|t| t.0 == "ms").collect();
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert!(ms[0].2 > 500.0, "the lower axes keep their label: {ms:?}");
}

#[test]
fn legend_best_is_matplotlibs_choice_on_a_brian_2_example() {
    // continuous_interaction.py: matplotlib 3.10 puts the upper legend at the upper left
    // (the upper right would cover a spike) and the lower one at the upper centre.
    let src = std::fs::read_to_string("scripts/brian2/continuous_interaction.rhai").unwrap();
    let src = src.replace("plt.show();", "");
    let svg = svg_of("best-example", &src);
    let n0 = texts(&svg).into_iter().find(|t| t.0 == "neuron 0").unwrap();
    assert!(n0.1 < 300.0 && n0.2 < 150.0, "{n0:?}");
    let s0 = texts(&svg)
        .into_iter()
        .find(|t| t.0 == "s, neuron 0")
        .unwrap();
    assert!(s0.1 > 400.0 && s0.1 < 600.0 && s0.2 > 400.0, "{s0:?}");
}
