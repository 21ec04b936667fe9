//! Integration tests of `brian::plot`: SVG output checked as text
//! (element counts, labels), PNG output checked as a file.
//!
//! Set `BRIAN_PLOT_TEST_OUT=/some/dir` to keep the rendered files there for
//! a look; otherwise they go to the system temp directory and are removed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use brian::plot::*;

/// A unique output path (kept only when BRIAN_PLOT_TEST_OUT is set).
struct Out {
    path: PathBuf,
    keep: bool,
}

impl Out {
    fn new(name: &str) -> Out {
        static N: AtomicUsize = AtomicUsize::new(0);
        match std::env::var_os("BRIAN_PLOT_TEST_OUT") {
            Some(dir) => {
                std::fs::create_dir_all(&dir).unwrap();
                Out {
                    path: Path::new(&dir).join(name),
                    keep: true,
                }
            }
            None => {
                let unique = format!(
                    "brian-plot-{}-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst),
                    name
                );
                Out {
                    path: std::env::temp_dir().join(unique),
                    keep: false,
                }
            }
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

/// Number of `<rect` elements filled with `hex` (upper-case `#RRGGBB`).
fn rects_filled(svg: &str, hex: &str) -> usize {
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&format!("fill=\"{hex}\"")))
        .count()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn raster_figure(n: usize) -> Figure {
    let mut fig = Figure::new();
    let ax = fig.subplot(1, 1, 1).unwrap();
    let t: Vec<f64> = (0..n).map(|i| (i * 7 % 100) as f64 * 1.3).collect();
    let i: Vec<f64> = (0..n).map(|i| (i % 10) as f64).collect();
    ax.raster(t, i).unwrap();
    ax.title("Spikes");
    default_raster_labels(ax);
    fig
}

#[test]
fn raster_svg_has_one_dot_per_spike_and_the_labels() {
    let fig = raster_figure(10);
    let out = Out::new("raster.svg");
    fig.save(&out.path).unwrap();
    let svg = std::fs::read_to_string(&out.path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(100)]);
    assert!(svg.contains("width=\"800\"") && svg.contains("height=\"600\""));
    assert_eq!(count(&svg, "<circle"), 10);
    assert_eq!(count(&svg, "<polyline"), 0);
    assert!(svg.contains(">\nSpikes\n</text>"), "title missing");
    assert!(svg.contains("Time (ms)") && svg.contains("Neuron number"));
    // Dots in the first cycle colour.
    assert_eq!(count(&svg, "fill=\"#1F77B4\""), 10);
    // Brian 1's raster axes: 0 .. 10 (max index + 1) on y, ticks 0..10.
    for tick in [">\n0\n</text>", ">\n10\n</text>"] {
        assert!(svg.contains(tick), "tick {tick:?} missing");
    }
}

#[test]
fn lines_are_polylines_split_at_nan_and_dashes() {
    let mut fig = Figure::new();
    let ax = fig.current_axes();
    let x: Vec<f64> = (0..50).map(f64::from).collect();
    let y: Vec<f64> = x.iter().map(|v| (v / 5.0).sin()).collect();
    ax.plot(x.clone(), y.clone(), LineStyle::default().with_label("sin"))
        .unwrap();
    let mut gappy = y.iter().map(|v| v + 1.0).collect::<Vec<_>>();
    gappy[20] = f64::NAN;
    ax.plot(x.clone(), gappy, LineStyle::from_fmt("r").unwrap())
        .unwrap();
    ax.xlabel("x");
    ax.ylabel("y");
    let svg = fig.to_svg().unwrap();
    // One line, plus one line broken in two by the NaN.
    assert_eq!(count(&svg, "<polyline"), 3);
    assert_eq!(count(&svg, "stroke=\"#FF0000\""), 2);
    // Colours: first series takes C0 from the cycle.
    assert_eq!(count(&svg, "stroke=\"#1F77B4\""), 1);
    assert_eq!(count(&svg, "<circle"), 0);

    // A dashed line is many short polylines.
    let mut fig = Figure::new();
    fig.current_axes()
        .plot(x, y, LineStyle::from_fmt("--").unwrap())
        .unwrap();
    let svg = fig.to_svg().unwrap();
    assert!(
        count(&svg, "<polyline") > 20,
        "{}",
        count(&svg, "<polyline")
    );
}

#[test]
fn legend_lists_labelled_series() {
    let mut fig = Figure::new();
    let ax = fig.current_axes();
    ax.plot(
        vec![0.0, 1.0, 2.0],
        vec![0.0, 1.0, 0.0],
        LineStyle::from_fmt("o-").unwrap().with_label("v"),
    )
    .unwrap();
    ax.scatter(
        vec![0.5, 1.5],
        vec![0.2, 0.4],
        LineStyle::default().with_label("w"),
    )
    .unwrap();
    ax.plot(vec![0.0, 2.0], vec![1.0, 1.0], LineStyle::default())
        .unwrap();
    let without = fig.to_svg().unwrap();
    fig.current_axes().legend();
    let with = fig.to_svg().unwrap();
    assert_eq!(count(&without, "<circle"), 3 + 2);
    // One marker per labelled series in the legend, and one line sample.
    assert_eq!(count(&with, "<circle"), 3 + 2 + 2);
    assert_eq!(count(&with, "<polyline") - count(&without, "<polyline"), 1);
    assert!(with.contains(">\nv\n</text>") && with.contains(">\nw\n</text>"));
}

#[test]
fn image_has_one_rect_per_cell_and_a_colorbar() {
    let rows: Vec<Vec<f64>> = (0..3)
        .map(|r| (0..4).map(|c| f64::from(r * 4 + c)).collect())
        .collect();
    let mut fig = Figure::new();
    fig.current_axes()
        .imshow(rows.clone(), false, false)
        .unwrap();
    let svg = fig.to_svg().unwrap();
    let coloured = |svg: &str| {
        svg.lines()
            .filter(|l| {
                l.starts_with("<rect")
                    && !l.contains("fill=\"#000000\"")
                    && !l.contains("fill=\"#FFFFFF\"")
            })
            .count()
    };
    assert_eq!(coloured(&svg), 12);
    // viridis ends: the smallest value is dark purple, the largest yellow.
    assert_eq!(rects_filled(&svg, "#440154"), 1);
    assert_eq!(rects_filled(&svg, "#FDE725"), 1);

    let mut fig = Figure::new();
    fig.current_axes().imshow(rows, true, true).unwrap();
    let svg = fig.to_svg().unwrap();
    // The colour bar adds a gradient of stripes (at most 256).
    let n = coloured(&svg);
    assert!(n > 12 + 100 && n <= 12 + 256, "{n}");
    // Colour-bar tick labels run over the data range 0..11.
    assert!(svg.contains(">\n10\n</text>"));

    let mut fig = Figure::new();
    let err = fig
        .current_axes()
        .imshow(vec![vec![1.0], vec![]], false, false);
    assert!(matches!(err, Err(PlotError::InvalidArgument(_))));
}

#[test]
fn histogram_bars() {
    let mut fig = Figure::new();
    let values: Vec<f64> = (0..100).map(|i| f64::from(i % 10) + 0.5).collect();
    fig.current_axes().hist(values, 5).unwrap();
    let svg = fig.to_svg().unwrap();
    assert_eq!(rects_filled(&svg, "#1F77B4"), 5);
    let mut fig = Figure::new();
    fig.current_axes().hist(vec![0.0, 0.0, 10.0], 10).unwrap();
    let svg = fig.to_svg().unwrap();
    // Empty bins draw nothing.
    assert_eq!(rects_filled(&svg, "#1F77B4"), 2);
    assert!(Figure::new().current_axes().hist(vec![1.0], 0).is_err());
}

#[test]
fn hlines_mark_group_boundaries() {
    let mut fig = raster_figure(10);
    let ax = fig.current_axes();
    ax.hline(5.0, LineStyle::default());
    ax.hline(50.0, LineStyle::default()); // off the axes: still counts for autoscale
    let svg = fig.to_svg().unwrap();
    assert_eq!(count(&svg, "<polyline"), 2);
    assert_eq!(count(&svg, "stroke=\"#000000\""), 2);
}

#[test]
fn empty_and_odd_figures_render() {
    // No axes at all: a blank page.
    let svg = Figure::new().to_svg().unwrap();
    assert!(svg.starts_with("<svg"));
    // Empty axes: a frame with 0..1 ticks.
    let mut fig = Figure::new();
    fig.current_axes().title("nothing");
    let svg = fig.to_svg().unwrap();
    assert!(
        svg.contains("nothing")
            && svg.contains(">\n0.0\n</text>")
            && svg.contains(">\n1.0\n</text>")
    );
    // Awkward data never panics.
    let mut fig = Figure::new();
    let ax = fig.subplot(2, 2, 1).unwrap();
    ax.plot(vec![], vec![], LineStyle::default()).unwrap();
    ax.raster(vec![], vec![]).unwrap();
    let ax = fig.subplot(2, 2, 2).unwrap();
    ax.plot(
        vec![f64::NAN, f64::INFINITY, 1.0, -f64::MAX, f64::MAX],
        vec![1.0, 2.0, f64::NEG_INFINITY, f64::MAX, 1e-300],
        LineStyle::from_fmt("x:").unwrap(),
    )
    .unwrap();
    ax.legend();
    let ax = fig.subplot(2, 2, 3).unwrap();
    ax.imshow(vec![vec![f64::NAN; 3]; 2], false, true).unwrap();
    ax.hline(f64::NAN, LineStyle::default());
    let ax = fig.subplot(2, 2, 4).unwrap();
    ax.scatter(vec![1e-12, 2e-12], vec![3e9, 4e9], LineStyle::default())
        .unwrap();
    ax.xlim(f64::NAN, f64::NAN);
    ax.ylim(5.0, 5.0);
    ax.hist(vec![f64::NAN], 3).unwrap();
    fig.to_svg().unwrap();
    fig.to_rgb().unwrap();
    // Scientific multipliers for tiny / huge values.
    let mut fig = Figure::new();
    fig.current_axes()
        .scatter(vec![1e-12, 2e-12], vec![3e9, 4e9], LineStyle::default())
        .unwrap();
    let svg = fig.to_svg().unwrap();
    assert!(
        svg.contains("1e\u{2212}12") && svg.contains("1e9"),
        "multipliers missing"
    );
}

#[test]
fn errors_for_bad_paths_and_lengths() {
    let fig = raster_figure(3);
    let bad = Out::new("figure.jpg");
    assert!(matches!(
        fig.save(&bad.path),
        Err(PlotError::UnsupportedFormat(_))
    ));
    let missing = std::env::temp_dir()
        .join("brian-plot-no-such-dir")
        .join("x")
        .join("f.png");
    assert!(matches!(fig.save(&missing), Err(PlotError::Io(_))));
    let missing = missing.with_extension("svg");
    assert!(matches!(fig.save(&missing), Err(PlotError::Io(_))));
    let mut fig = Figure::new();
    let err = fig
        .current_axes()
        .plot(vec![1.0, 2.0, 3.0], vec![1.0], LineStyle::default());
    assert!(matches!(err, Err(PlotError::LengthMismatch { x: 3, y: 1 })));
    assert!(err.unwrap_err().to_string().contains("same length"));
}

#[test]
fn png_has_the_figure_size() {
    let fig = raster_figure(200);
    let out = Out::new("raster.png");
    fig.save(&out.path).unwrap();
    let bytes = std::fs::read(&out.path).unwrap();
    assert!(bytes.len() > 1000);
    assert_eq!(png_size(&bytes), (800, 600));

    let mut fig = raster_figure(20);
    fig.set_size(640, 480);
    let out = Out::new("raster-640.PNG");
    fig.save(&out.path).unwrap();
    assert_eq!(png_size(&std::fs::read(&out.path).unwrap()), (640, 480));

    // In-memory rendering: white background, black frame, blue dots.
    let rgb = raster_figure(200).to_rgb().unwrap();
    assert_eq!(rgb.len(), 800 * 600 * 3);
    let px = |x: usize, y: usize| &rgb[(y * 800 + x) * 3..(y * 800 + x) * 3 + 3];
    assert_eq!(px(5, 5), [255, 255, 255]);
    assert_eq!(px(100, 300), [0, 0, 0], "left spine at x = 100");
    assert!(rgb.chunks(3).any(|p| p == [0x1f, 0x77, 0xb4]));
}

#[test]
fn big_raster_renders_quickly() {
    let n = 25_000;
    let mut fig = Figure::new();
    let t: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37) % 1000.0).collect();
    let idx: Vec<f64> = (0..n).map(|i| ((i * 7919) % 4000) as f64).collect();
    fig.current_axes().raster(t, idx).unwrap();
    let start = Instant::now();
    let rgb = fig.to_rgb().unwrap();
    let png_time = start.elapsed();
    assert_eq!(rgb.len(), 800 * 600 * 3);
    let start = Instant::now();
    let svg = fig.to_svg().unwrap();
    let svg_time = start.elapsed();
    assert_eq!(count(&svg, "<circle"), n);
    // Well under a second in release; generous for debug builds on a busy
    // machine.
    assert!(png_time.as_secs_f64() < 5.0, "{png_time:?}");
    assert!(svg_time.as_secs_f64() < 5.0, "{svg_time:?}");
    eprintln!("25k-spike raster: bitmap {png_time:?}, svg {svg_time:?}");
}

#[test]
fn long_noisy_trace_renders_quickly() {
    let n = 200_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.1).collect();
    let y: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64).collect();
    let mut fig = Figure::new();
    fig.current_axes().plot(x, y, LineStyle::default()).unwrap();
    let start = Instant::now();
    fig.to_rgb().unwrap();
    let png_time = start.elapsed();
    let start = Instant::now();
    let svg = fig.to_svg().unwrap();
    let svg_time = start.elapsed();
    assert_eq!(count(&svg, "<polyline"), 1);
    assert!(png_time.as_secs_f64() < 10.0, "{png_time:?}");
    eprintln!("200k-point noisy trace: bitmap {png_time:?}, svg {svg_time:?}");
}

/// Brian's topographic-map demo layout: a raster over the full width on
/// top (subplot 211), two weight matrices side by side below (223, 224).
#[test]
fn topographic_layout_png() {
    let mut fig = Figure::new();
    let ax = fig.subplot_code(211).unwrap();
    let n = 100;
    let mut t = Vec::new();
    let mut i = Vec::new();
    for k in 0..3000 {
        let time = (k as f64 * 0.0731).rem_euclid(1.0) * 200.0;
        let centre = (time / 200.0 * n as f64) as usize;
        t.push(time);
        i.push(((centre + (k * 31) % 15) % n) as f64);
    }
    ax.raster(t, i).unwrap();
    ax.hline(50.0, LineStyle::default());
    default_raster_labels(ax);
    let gauss = |sigma: f64| -> Vec<Vec<f64>> {
        (0..n)
            .map(|r| {
                (0..n)
                    .map(|c| {
                        let d = (r as f64 - c as f64)
                            .abs()
                            .min((n - r.max(c) + r.min(c)) as f64);
                        (-d * d / (2.0 * sigma * sigma)).exp()
                    })
                    .collect()
            })
            .collect()
    };
    let ax = fig.subplot_code(223).unwrap();
    ax.imshow(gauss(5.0), true, false).unwrap();
    ax.title("Feedforward weights");
    let ax = fig.subplot_code(224).unwrap();
    ax.imshow_with(
        gauss(10.0),
        ImageOptions {
            origin_lower: true,
            colorbar: true,
            cmap: Colormap::Jet,
            ..Default::default()
        },
    )
    .unwrap();
    ax.title("Recurrent weights");
    let out = Out::new("topographic.png");
    fig.save(&out.path).unwrap();
    assert_eq!(png_size(&std::fs::read(&out.path).unwrap()), (800, 600));
    let svg_out = Out::new("topographic.svg");
    fig.save(&svg_out.path).unwrap();
    let svg = std::fs::read_to_string(&svg_out.path).unwrap();
    assert_eq!(count(&svg, "<circle"), 3000);
    assert!(svg.contains("Feedforward weights") && svg.contains("Recurrent weights"));
}

/// A matplotlib-style line figure with legend, used for a visual check.
#[test]
fn lines_and_legend_png() {
    let mut fig = Figure::new();
    let ax = fig.current_axes();
    let t: Vec<f64> = (0..=1000).map(|k| f64::from(k) * 0.1).collect();
    let v: Vec<f64> = t.iter().map(|t| -0.065 + 0.01 * (t / 7.0).sin()).collect();
    let w: Vec<f64> = t.iter().map(|t| -0.060 + 0.005 * (t / 3.0).cos()).collect();
    ax.plot(
        t.clone(),
        v,
        LineStyle::default().with_label("v (neuron 0)"),
    )
    .unwrap();
    ax.plot(
        t.clone(),
        w,
        LineStyle::from_fmt("--")
            .unwrap()
            .with_label("v (neuron 1)"),
    )
    .unwrap();
    ax.hline(
        -0.055,
        LineStyle::from_fmt("k:").unwrap().with_label("threshold"),
    );
    ax.scatter(
        vec![20.0, 60.0],
        vec![-0.056, -0.057],
        LineStyle::from_fmt("rs").unwrap(),
    )
    .unwrap();
    ax.title("Membrane potential");
    ax.xlabel("Time (ms)");
    ax.ylabel("v (V)");
    ax.legend();
    let out = Out::new("lines.png");
    fig.save(&out.path).unwrap();
    assert_eq!(png_size(&std::fs::read(&out.path).unwrap()), (800, 600));
    let mut fig2 = Figure::new();
    let ax = fig2.subplot(1, 2, 1).unwrap();
    ax.hist(
        (0..500)
            .map(|k| ((k * 37) % 101) as f64 / 10.0 + ((k % 7) as f64))
            .collect(),
        20,
    )
    .unwrap();
    ax.title("hist");
    let ax = fig2.subplot(1, 2, 2).unwrap();
    ax.scatter(
        vec![1e-12, 2e-12, 3e-12],
        vec![3e9, 4e9, 3.5e9],
        LineStyle::default(),
    )
    .unwrap();
    ax.title("scientific");
    let out = Out::new("hist.png");
    fig2.save(&out.path).unwrap();
}
