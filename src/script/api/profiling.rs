//! Brian 2's `profiling_summary()`: the time of each code object in the last run made
//! with `run(T, #{ profile: true })`, the longest first.

use super::super::convert::*;
use super::super::Shared;
use super::explicit_network::NetworkHandle;
use rhai::{Engine, Map, INT};

/// Brian 2's `ProfilingSummary` text: names padded, times in ms (s when the total is
/// over a second) and percentages right-aligned, two decimals each.
pub fn summary_text(info: &[(String, f64)], show: Option<usize>) -> String {
    let empty = [("no code objects have been run".to_string(), 0.0)];
    let info = if info.is_empty() { &empty[..] } else { info };
    let total: f64 = info.iter().map(|(_, t)| t).sum();
    let (unit, scale) = if total > 1.0 { ("s", 1.0) } else { ("ms", 1e3) };
    let rows = &info[..show.unwrap_or(info.len()).min(info.len())];
    let names_w = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let times: Vec<String> = rows
        .iter()
        .map(|(_, t)| format!("{:.2} {unit}", t * scale))
        .collect();
    let pcts: Vec<String> = rows
        .iter()
        .map(|(_, t)| {
            let p = if total > 0.0 { 100.0 * t / total } else { 0.0 };
            format!("{p:.2} %")
        })
        .collect();
    let tw = times.iter().map(String::len).max().unwrap_or(0);
    let pw = pcts.iter().map(String::len).max().unwrap_or(0);
    let mut s = String::from("Profiling summary\n=================\n");
    for (((n, _), t), p) in rows.iter().zip(&times).zip(&pcts) {
        s.push_str(&format!("{n:<names_w$}    {t:>tw$}    {p:>pw$}\n"));
    }
    s
}

fn summary(shared: &Shared, net: Option<u64>, show: Option<usize>) -> RResult<String> {
    let st = shared.borrow();
    let id = net.unwrap_or_else(|| st.runs.magic_id());
    match st.profiles.get(&id) {
        Some(info) => Ok(summary_text(info, show)),
        None => err("No profiling info collected (did you run with #{ profile: true }?)"),
    }
}

fn show_of(opts: &Map) -> RResult<Option<usize>> {
    super::network::check_keys(opts, &["show"], "profiling_summary")?;
    opts.get("show")
        .map(|v| {
            let n = to_int(v, "show")?;
            usize::try_from(n).map_err(|_| format!("show must be positive, got {n}").into())
        })
        .transpose()
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    let s = shared.clone();
    engine.register_fn("profiling_summary", move || summary(&s, None, None));
    let s = shared.clone();
    engine.register_fn("profiling_summary", move |o: Map| {
        summary(&s, None, show_of(&o)?)
    });
    let s = shared.clone();
    engine.register_fn("profiling_summary", move |n: NetworkHandle| {
        summary(&s, Some(n.id()), None)
    });
    let s = shared.clone();
    engine.register_fn("profiling_summary", move |n: NetworkHandle, o: Map| {
        summary(&s, Some(n.id()), show_of(&o)?)
    });
    let s = shared.clone();
    engine.register_fn("profiling_summary", move |n: NetworkHandle, show: INT| {
        let show =
            usize::try_from(show).map_err(|_| format!("show must be positive, got {show}"))?;
        summary(&s, Some(n.id()), Some(show))
    });
}
