//! Figures from scripts, checked on their SVG output (axes, labels, points, lines) so a
//! change that breaks a figure is caught: axis labels from units, figure and savefig
//! options, legend, limits, subplots, line styles, raster plots with group lines, show()
//! file names, --no-plots and --open.

use brian::script::Session;
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("brian-figures-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs script code in a fresh session writing into `dir`.
fn run_in(dir: &Path, code: &str) -> Session {
    let mut s = Session::new(dir.to_path_buf(), "fig".into());
    {
        let mut st = s.state.borrow_mut();
        st.net.seed(1);
        st.quiet = true;
    }
    if let Err(e) = s.eval(code, Some("test.rhai")) {
        panic!("{}", e.render("test.rhai", code));
    }
    s
}

/// Runs code that ends with `savefig("out.svg")` and returns the SVG text.
fn svg_of(name: &str, code: &str) -> String {
    let dir = temp_dir(name);
    let _ = run_in(&dir, &format!("{code}\nsavefig(\"out.svg\");"));
    let svg = std::fs::read_to_string(dir.join("out.svg")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    svg
}

/// The texts drawn in an SVG (plotters writes each on its own line).
fn texts(svg: &str) -> Vec<String> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text"))
        .map(|w| w[1].trim().to_string())
        .collect()
}

fn has_text(svg: &str, t: &str) -> bool {
    texts(svg).iter().any(|x| x == t)
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

fn attr(line: &str, name: &str) -> Option<f64> {
    let k = line.find(&format!(" {name}=\""))? + name.len() + 3;
    line[k..].split('"').next()?.parse().ok()
}

fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[1..4], b"PNG");
    let w = u32::from_be_bytes(b[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(b[20..24].try_into().unwrap());
    (w, h)
}

/// Five neurons, spikes recorded; a group with a voltage trace recorded.
const NET: &str = r#"
let G = NeuronGroup(5, "dv/dt = (1.2 - v)/(10*ms) : 1", #{ threshold: "v > 1", reset: "v = 0" });
G.v = [0.0, 0.2, 0.4, 0.6, 0.8];
let M = SpikeMonitor(G);
let H = NeuronGroup(3, "du/dt = -u/(5*ms) : volt");
H.u = [-70*mV, -60*mV, -50*mV];
let U = StateMonitor(H, "u", #{ record: true });
run(25*ms);
"#;

#[test]
fn axes_label_themselves_from_names_and_units() {
    // Arrays loaded from a monitor's file carry their names: t and i.
    let svg = svg_of(
        "labels-named",
        &format!(
            "{NET}save(M, \"spikes.npz\"); let d = load(\"spikes.npz\");\nplot(d.t/ms, d.i, #{{ fmt: \".\" }});"
        ),
    );
    assert!(has_text(&svg, "t (ms)"), "{:?}", texts(&svg));
    assert!(has_text(&svg, "neuron index"), "{:?}", texts(&svg));

    // A quantity plotted without dividing is shown in a readable unit: volts as mV.
    // (Labelled "t (ms)" and "u (mV)" once the monitor getters name their arrays.)
    let svg = svg_of("labels-units", &format!("{NET}plot(U.t, U[0]);"));
    let either = |a: &str, b: &str| has_text(&svg, a) || has_text(&svg, b);
    assert!(
        either("ms", "t (ms)") && either("mV", "u (mV)"),
        "{:?}",
        texts(&svg)
    );
    assert!(has_text(&svg, "−70"), "ticks in mV: {:?}", texts(&svg));
    assert!(has_text(&svg, "20"), "ticks in ms: {:?}", texts(&svg));

    // Later data on the same axes are converted to the axes' unit, whatever their size.
    let svg = svg_of(
        "labels-same-unit",
        &format!("{NET}plot(U.t, U[0]);\nplot(U.t, U[0] / 1000);"),
    );
    assert!(has_text(&svg, "−70"), "{:?}", texts(&svg));
    assert!(
        !has_text(&svg, "μV") && !has_text(&svg, "uV"),
        "{:?}",
        texts(&svg)
    );

    // The user's labels win, before or after plotting.
    let svg = svg_of(
        "labels-user",
        &format!("{NET}xlabel(\"time\");\nplot(U.t, U[0]);\nylabel(\"potential\");"),
    );
    let t = texts(&svg);
    assert!(
        t.contains(&"time".into()) && t.contains(&"potential".into()),
        "{t:?}"
    );
    assert!(
        !t.iter()
            .any(|x| x.ends_with("ms") || x.ends_with("mV)") || x == "mV"),
        "{t:?}"
    );

    // Plain numbers get no label.
    let svg = svg_of("labels-none", "plot([1, 2, 3], [4, 5, 6]);");
    assert!(!has_text(&svg, "ms"), "{:?}", texts(&svg));
}

/// Monitor getters name their arrays ("t", "i"), so the axes say what is plotted.
#[test]
fn monitor_arrays_label_axes() {
    let svg = svg_of("labels-monitor", &format!("{NET}plot(M.t/ms, M.i);"));
    assert!(has_text(&svg, "t (ms)") && has_text(&svg, "neuron index"));
}

#[test]
fn figure_and_savefig_sizes_and_dpi() {
    let dir = temp_dir("sizes");
    let _ = run_in(
        &dir,
        r#"
        figure(#{ figsize: [4, 3], dpi: 50 });
        plot([1, 2, 3], [1, 4, 9]);
        savefig("small.svg");
        savefig("big.png", #{ dpi: 200 });
        savefig("wide.png", #{ width: 10, height: 2 });
        savefig("again.svg");
        figure();
        plot([1, 2], [1, 2]);
        savefig("default.png");
    "#,
    );
    let small = std::fs::read_to_string(dir.join("small.svg")).unwrap();
    assert!(small.contains("width=\"200\"") && small.contains("height=\"150\""));
    // Same inches at 200 dpi: 800 x 600 pixels, with text scaled up with the dpi.
    assert_eq!(png_size(&dir.join("big.png")), (800, 600));
    assert_eq!(png_size(&dir.join("wide.png")), (500, 100));
    // savefig's options apply to that file only.
    assert_eq!(
        std::fs::read_to_string(dir.join("again.svg")).unwrap(),
        small
    );
    assert_eq!(png_size(&dir.join("default.png")), (800, 600));

    let font_size = |svg: &str| {
        svg.lines()
            .find(|l| l.starts_with("<text"))
            .and_then(|l| attr(l, "font-size"))
            .unwrap()
    };
    let dir2 = temp_dir("dpi-text");
    let _ = run_in(
        &dir2,
        "plot([1, 2], [1, 2]); savefig(\"a.svg\"); savefig(\"b.svg\", #{ dpi: 200, width: 4, height: 3 });",
    );
    let a = std::fs::read_to_string(dir2.join("a.svg")).unwrap();
    let b = std::fs::read_to_string(dir2.join("b.svg")).unwrap();
    let ratio = font_size(&b) / font_size(&a);
    assert!(
        (ratio - 2.0).abs() < 0.15,
        "font sizes {} and {}",
        font_size(&a),
        font_size(&b)
    );

    for bad in [
        "figure(#{ figsize: [4] });",
        "figure(#{ dpi: -1 });",
        "figure(#{ size: 3 });",
        "plot([1], [1]); savefig(\"x.svg\", #{ dpi: 0 });",
    ] {
        let mut s = Session::new(dir.clone(), "bad".into());
        assert!(s.eval(bad, None).is_err(), "{bad} should fail");
    }
}

#[test]
fn legend_limits_subplots_and_styles() {
    let svg = svg_of(
        "legend",
        r#"
        let x = linspace(0, 10, 50);
        plot(x, sin(x), #{ label: "sine", color: "red" });
        plot(x, cos(x), #{ label: "cosine", linestyle: "--", color: "k" });
        legend();
        xlim(0, 5);
        ylim(-2, 2);
    "#,
    );
    assert!(
        has_text(&svg, "sine") && has_text(&svg, "cosine"),
        "{:?}",
        texts(&svg)
    );
    // The red line is one polyline clipped at x = 5 (plus its legend handle); the dashed
    // black one many short pieces.
    assert_eq!(count(&svg, "stroke=\"#FF0000\""), 2);
    assert!(count(&svg, "stroke=\"#000000\" stroke-width=\"2\"") > 10);
    for tick in ["0", "5", "−2.0", "2.0"] {
        assert!(has_text(&svg, tick), "tick {tick}: {:?}", texts(&svg));
    }
    assert!(
        !has_text(&svg, "10"),
        "xlim(0, 5) hides 10: {:?}",
        texts(&svg)
    );

    // Named line styles and markers as matplotlib spells them.
    let svg = svg_of(
        "markers",
        "plot([0, 1, 2], [0, 1, 4], #{ linestyle: \"none\", marker: \"o\", markersize: 3 });",
    );
    assert_eq!((count(&svg, "<circle"), count(&svg, "<polyline")), (3, 0));
    let svg = svg_of(
        "dotted",
        "plot([0, 1, 2], [0, 1, 4], #{ linestyle: \"dotted\" });",
    );
    assert!(count(&svg, "<polyline") > 10, "dots are short pieces");

    // Limits with units follow the axis' unit.
    let svg = svg_of(
        "limits-units",
        &format!("{NET}plot(U.t, U[0]);\nxlim(0*ms, 10*ms);"),
    );
    assert!(
        has_text(&svg, "10") && !has_text(&svg, "20"),
        "{:?}",
        texts(&svg)
    );

    // subplot(2, 2, 3) and subplot(221) are two axes; titles land in each.
    let dir = temp_dir("subplots");
    let s = run_in(
        &dir,
        r#"
        subplot(2, 2, 3); plot([1, 2], [3, 4]); title("third");
        subplot(221); plot([1, 2], [3, 4]); title("first");
        subplot(2, 2, 3); title("third again");
        savefig("grid.svg");
    "#,
    );
    let st = s.state.borrow();
    let titles: Vec<Option<&str>> = st.figure.axes().iter().map(|a| a.get_title()).collect();
    assert_eq!(titles, vec![Some("third again"), Some("first")]);
    let svg = std::fs::read_to_string(dir.join("grid.svg")).unwrap();
    let first = svg.find("first").unwrap();
    let third = svg.find("third again").unwrap();
    let y_of = |k: usize| {
        let line = svg[..k]
            .lines()
            .rev()
            .find(|l| l.starts_with("<text"))
            .unwrap();
        attr(line, "y").unwrap()
    };
    assert!(
        y_of(third) > y_of(first) + 200.0,
        "subplot 3 sits below subplot 1"
    );

    let mut bad = Session::new(dir.clone(), "bad".into());
    for code in [
        "subplot(2, 2, 5);",
        "plot([1], [1], #{ colour: \"red\" });",
        "plot([1], [1], #{ color: \"nocolor\" });",
        "plot([1], [1], #{ linestyle: \"wavy\" });",
        "plot([1], [1], #{ marker: \"r\" });",
    ] {
        assert!(bad.eval(code, None).is_err(), "{code} should fail");
    }
}

/// A weight matrix with units is shown in a readable unit named beside the colour bar.
#[test]
fn imshow_of_a_matrix_with_units_labels_its_colour_bar() {
    let svg = svg_of(
        "imshow-units",
        r#"
        let P = NeuronGroup(10, "dv/dt = -v/(10*ms) : volt");
        let C = Connection(P, P, "v", #{ weight: |i, j| (i + j)*0.1*mV });
        imshow(C.W.todense(), #{ origin: "lower", colorbar: true });
    "#,
    );
    assert!(has_text(&svg, "mV"), "{:?}", texts(&svg));
    assert!(
        has_text(&svg, "1.8"),
        "colour bar ticks in mV: {:?}",
        texts(&svg)
    );
    let svg = svg_of(
        "imshow-plain",
        "imshow([[1, 2], [3, 4]], #{ colorbar: true });",
    );
    assert!(!has_text(&svg, "mV"));
}

/// An x label above and titles below get room between the rows (matplotlib would let the
/// label run into the titles).
#[test]
fn rows_of_subplots_leave_room_for_labels_and_titles() {
    let svg = svg_of(
        "rows",
        r#"
        subplot(211); plot([0, 1000], [0, 100]); xlabel("Time (ms)");
        subplot(223); imshow([[1, 2], [3, 4]]); title("Feedforward");
        subplot(224); imshow([[1, 2], [3, 4]]); title("Recurrent");
    "#,
    );
    let y_of = |t: &str| {
        let k = svg.find(&format!(">\n{t}\n<")).unwrap();
        let line = svg[..k]
            .lines()
            .rev()
            .find(|l| l.starts_with("<text"))
            .unwrap();
        (attr(line, "y").unwrap(), attr(line, "font-size").unwrap())
    };
    let (label_y, label_size) = y_of("Time (ms)");
    let (title_y, title_size) = y_of("Feedforward");
    // Text y is its top edge: the title's top lies below the label's bottom.
    assert!(
        title_y > label_y + label_size,
        "label at {label_y} ({label_size} px), title at {title_y} ({title_size} px)"
    );
}

#[test]
fn raster_with_group_lines_places_neuron_n_of_m_at_k_plus_n_over_m() {
    let svg = svg_of(
        "raster-groups",
        r#"
        let A = SpikeGeneratorGroup(4, [2], [10*ms]);
        let B = SpikeGeneratorGroup(2, [1], [20*ms]);
        let MA = SpikeMonitor(A);
        let MB = SpikeMonitor(B);
        run(30*ms);
        raster_plot([MA, MB], #{ showgrouplines: true });
    "#,
    );
    // Lines at every group boundary: 0, 1 and 2.
    assert_eq!(count(&svg, "<polyline"), 3);
    assert!(has_text(&svg, "Group number") && has_text(&svg, "Time (ms)"));
    // The frame of a 1x1 subplot spans y 72..534 px; y limits are -0.1 .. 2.1.
    let ys: Vec<f64> = svg
        .lines()
        .filter(|l| l.starts_with("<circle"))
        .filter_map(|l| attr(l, "cy"))
        .collect();
    let expect = |y: f64| 534.0 - (y + 0.1) / 2.2 * 462.0;
    assert_eq!(ys.len(), 2, "{ys:?}");
    assert!(
        (ys[0] - expect(0.5)).abs() <= 1.0,
        "{ys:?} vs {}",
        expect(0.5)
    );
    assert!(
        (ys[1] - expect(1.5)).abs() <= 1.0,
        "{ys:?} vs {}",
        expect(1.5)
    );

    // One monitor: neuron numbers, the whole group on the y axis, no lines.
    let svg = svg_of(
        "raster-one",
        r#"
        let A = SpikeGeneratorGroup(4, [2, 3], [10*ms, 12*ms]);
        let MA = SpikeMonitor(A);
        run(30*ms);
        raster_plot(MA);
    "#,
    );
    assert_eq!(count(&svg, "<circle"), 2);
    assert_eq!(count(&svg, "<polyline"), 0);
    assert!(has_text(&svg, "Neuron number"), "{:?}", texts(&svg));
    assert!(
        has_text(&svg, "4.0"),
        "the y axis spans the group: {:?}",
        texts(&svg)
    );
}

#[test]
fn show_numbers_figures_and_no_plots_draws_nothing() {
    let dir = temp_dir("show");
    let s = run_in(
        &dir,
        "plot([1, 2], [1, 2]); show(); figure(); plot([1, 2], [2, 1]); show(); show();",
    );
    let written = s.state.borrow().figures_written.clone();
    assert_eq!(
        written,
        vec![dir.join("fig_fig1.png"), dir.join("fig_fig2.png")]
    );
    assert!(written.iter().all(|p| p.exists()));

    let dir = temp_dir("no-plots");
    let mut s = Session::new(dir.clone(), "fig".into());
    s.state.borrow_mut().no_plots = true;
    s.state.borrow_mut().quiet = true;
    let _ = s
        .eval("plot([1, 2], [1, 2]); savefig(\"x.png\"); show();", None)
        .unwrap();
    assert!(s.state.borrow().figures_written.is_empty());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

/// `--open` runs the viewer on each figure only when a display exists, and a missing
/// viewer is a note, not a failure.
#[cfg(target_os = "linux")]
#[test]
fn open_flag_uses_the_viewer_only_with_a_display() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    let dir = temp_dir("open");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("opened.txt");
    let viewer = bin.join("xdg-open");
    std::fs::write(
        &viewer,
        format!("#!/bin/sh\necho \"$1\" >> {}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = dir.join("two.rhai");
    std::fs::write(
        &script,
        "plot([1, 2], [1, 2]); show(); plot([1, 2], [2, 1]);",
    )
    .unwrap();
    let brian = env!("CARGO_BIN_EXE_brian-script");
    let run = |display: Option<&str>, path: &str| {
        let mut c = Command::new(brian);
        c.arg(&script).arg("--open").env("PATH", path);
        c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        if let Some(d) = display {
            c.env("DISPLAY", d);
        }
        c.output().unwrap()
    };
    // No display: nothing opened, a note, success.
    let out = run(None, bin.to_str().unwrap());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no display"));
    assert!(!log.exists());
    // A display: both figures opened.
    let out = run(Some(":0"), bin.to_str().unwrap());
    assert!(out.status.success());
    for _ in 0..50 {
        if std::fs::read_to_string(&log).is_ok_and(|s| s.lines().count() == 2) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let opened = std::fs::read_to_string(&log).unwrap();
    assert!(
        opened.contains("two_fig1.png") && opened.contains("two_fig2.png"),
        "{opened}"
    );
    // A display but no viewer: a note, still success.
    let out = run(Some(":0"), dir.join("nowhere").to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not open"));
}
