//! Hodgkin-Huxley against Brian 2: a single COBAHH neuron with constant conductances
//! (tests/data/hh_single.json, written by tools/brian2/hh_single.py) spikes at Brian 2's
//! times, and the COBAHH network demo (scripts/coba_hh.rhai) fires at Brian 2's mean rate
//! (tests/data/cobahh_rate.json).

use brian::network::*;
use brian::units::{lookup, Quantity};
use std::collections::BTreeMap;

/// Just enough JSON for the reference files: objects, arrays, numbers, strings, literals.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn parse(text: &str) -> Json {
        let mut p = JsonParser {
            s: text.as_bytes(),
            pos: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.pos, p.s.len(), "trailing characters in JSON");
        v
    }
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(m) => m.get(key).unwrap_or_else(|| panic!("no key '{key}'")),
            _ => panic!("not an object looking up '{key}'"),
        }
    }
    fn f64(&self) -> f64 {
        match self {
            Json::Number(x) => *x,
            other => panic!("expected a number, got {other:?}"),
        }
    }
    fn floats(&self) -> Vec<f64> {
        match self {
            Json::Array(a) => a.iter().map(Json::f64).collect(),
            other => panic!("expected an array, got {other:?}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("expected a string, got {other:?}"),
        }
    }
    fn bool(&self) -> bool {
        match self {
            Json::Bool(b) => *b,
            other => panic!("expected a boolean, got {other:?}"),
        }
    }
}

struct JsonParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.pos] {
            b'{' => {
                self.pos += 1;
                let mut m = BTreeMap::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let Json::Str(k) = self.value() else {
                            panic!("object key at {}", self.pos)
                        };
                        assert!(self.eat(b':'), "':' at {}", self.pos);
                        let v = self.value();
                        m.insert(k, v);
                        if self.eat(b'}') {
                            break;
                        }
                        assert!(self.eat(b','), "',' at {}", self.pos);
                    }
                }
                Json::Object(m)
            }
            b'[' => {
                self.pos += 1;
                let mut a = Vec::new();
                if !self.eat(b']') {
                    loop {
                        a.push(self.value());
                        if self.eat(b']') {
                            break;
                        }
                        assert!(self.eat(b','), "',' at {}", self.pos);
                    }
                }
                Json::Array(a)
            }
            b'"' => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    let c = self.s[self.pos];
                    self.pos += 1;
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let e = self.s[self.pos];
                            self.pos += 1;
                            out.push(match e {
                                b'n' => '\n',
                                b't' => '\t',
                                b'u' => {
                                    let hex = std::str::from_utf8(&self.s[self.pos..self.pos + 4])
                                        .unwrap();
                                    self.pos += 4;
                                    char::from_u32(u32::from_str_radix(hex, 16).unwrap())
                                        .unwrap_or('?')
                                }
                                other => other as char,
                            });
                        }
                        _ => out.push(c as char),
                    }
                }
                Json::Str(out)
            }
            b't' | b'f' | b'n' => {
                for (word, v) in [
                    ("true", Json::Bool(true)),
                    ("false", Json::Bool(false)),
                    ("null", Json::Null),
                ] {
                    if self.s[self.pos..].starts_with(word.as_bytes()) {
                        self.pos += word.len();
                        return v;
                    }
                }
                panic!("bad literal at {}", self.pos)
            }
            _ => {
                let start = self.pos;
                while self.pos < self.s.len()
                    && matches!(
                        self.s[self.pos],
                        b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
                    )
                {
                    self.pos += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
                Json::Number(
                    text.parse()
                        .unwrap_or_else(|_| panic!("bad number '{text}'")),
                )
            }
        }
    }
}

fn load(path: &str) -> Json {
    Json::parse(&std::fs::read_to_string(path).unwrap())
}

/// The COBAHH membrane and gating equations, as in tools/brian2/hh_single.py.
const HH_EQS: &str = "
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpham*(1-m)-betam*m : 1
dn/dt = alphan*(1-n)-betan*n : 1
dh/dt = alphah*(1-h)-betah*h : 1
alpham = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
betam = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alphah = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
betah = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alphan = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
betan = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
ge : siemens (constant)
gi : siemens (constant)
";

/// The model constants from the reference file's `meta`, with their units.
fn hh_namespace(meta: &Json) -> Values {
    let volt = lookup("volt").unwrap().dim;
    let siemens = lookup("siemens").unwrap().dim;
    let farad = lookup("farad").unwrap().dim;
    let mut ns = Values::new();
    for (name, dim) in [
        ("Cm", farad),
        ("gl", siemens),
        ("g_na", siemens),
        ("g_kd", siemens),
        ("El", volt),
        ("EK", volt),
        ("ENa", volt),
        ("VT", volt),
        ("Ee", volt),
        ("Ei", volt),
    ] {
        ns.insert(name.into(), Quantity::new(meta.get(name).f64(), dim));
    }
    ns
}

/// One HH neuron as in hh_single.py (seeded, not yet run), with a spike monitor.
fn single_neuron(data: &Json, method: &str, dt: f64) -> Network {
    let meta = data.get("meta");
    let mut net = Network::new();
    net.seed(1);
    net.set_default_dt(dt).unwrap();
    let spec = NeuronGroupSpec {
        n: 1,
        model: HH_EQS.into(),
        threshold: Some(Threshold::Condition(
            meta.get("threshold").str().to_string(),
        )),
        refractory: Some(meta.get("refractory").f64()),
        method: Some(method.into()),
        name: "hh".into(),
        ..Default::default()
    };
    let g = net.add_group(Group::Neurons(NeuronGroup::new(spec).unwrap()));
    let ng = net.neurons_mut(g).unwrap();
    for (var, key) in [
        ("v", "v_init"),
        ("m", "m_init"),
        ("h", "h_init"),
        ("n", "n_init"),
        ("ge", "ge"),
        ("gi", "gi"),
    ] {
        let k = ng.var_index(var).unwrap();
        ng.arrays[k][0] = meta.get(key).f64();
    }
    net.spike_monitors
        .push(SpikeMonitor::new(g, "spikes".into()));
    net
}

const NEURON: GroupRef = GroupRef {
    group: 0,
    start: 0,
    len: 1,
};

fn assert_same_spikes(ours: &[f64], brian: &[f64], dt: f64, what: &str) {
    assert_eq!(
        ours.len(),
        brian.len(),
        "{what}: {} spikes, Brian 2 {}\nours:  {ours:?}\nBrian: {brian:?}",
        ours.len(),
        brian.len()
    );
    for (k, (a, b)) in ours.iter().zip(brian).enumerate() {
        assert!(
            (a - b).abs() <= dt * 1.0001,
            "{what}: spike {k} at {a} s, Brian 2 at {b} s"
        );
    }
}

/// The brief's test: exponential Euler, dt = 0.1 ms, 1 s, spike times within one step.
#[test]
fn single_neuron_spikes_at_brian2_times_with_exponential_euler() {
    let data = load("tests/data/hh_single.json");
    let dt = data.get("meta").get("dt").f64();
    let duration = data.get("meta").get("duration").f64();
    let mut net = single_neuron(&data, "exponential_euler", dt);
    net.run(duration, &hh_namespace(data.get("meta"))).unwrap();
    let ours = &net.spike_monitors[0].spike_trains()[0];
    let brian = data.get("exponential_euler_spike_times").floats();
    assert_same_spikes(ours, &brian, dt, "exponential_euler, dt = 0.1 ms");
    // Not only within a step: the same steps, and the same final state to rounding.
    for (a, b) in ours.iter().zip(&brian) {
        assert_eq!((a / dt).round(), (b / dt).round());
    }
    let ng = net.neurons(NEURON).unwrap();
    for var in ["v", "m", "h", "n"] {
        let ours = ng.arrays[ng.var_index(var).unwrap()][0];
        let brian = data.get(&format!("exponential_euler_final_{var}")).f64();
        let scale = if var == "v" { 0.1 } else { 1.0 };
        assert!(
            (ours - brian).abs() < 1e-6 * scale,
            "final {var}: {ours} vs Brian 2 {brian}"
        );
    }
}

/// The first 50 ms of v, m, h, n, step by step (Brian 2 records before each update): the
/// same to about 1e-13 (rounding; Brian 2 evaluates sympy-rearranged formulas).
#[test]
fn single_neuron_trace_follows_brian2() {
    let data = load("tests/data/hh_single.json");
    let dt = data.get("meta").get("dt").f64();
    let trace_t = data.get("trace_t").floats();
    let mut net = single_neuron(&data, "exponential_euler", dt);
    let g = NEURON;
    let vars: Vec<String> = ["v", "m", "h", "n"].map(String::from).to_vec();
    let idx: Vec<usize> = vars
        .iter()
        .map(|v| net.neurons(g).unwrap().var_index(v).unwrap())
        .collect();
    net.state_monitors.push(StateMonitor::new(
        g,
        vars.clone(),
        idx,
        vec![0],
        When::start(),
        1,
        "trace".into(),
    ));
    let ns = hh_namespace(data.get("meta"));
    net.run(trace_t.len() as f64 * dt, &ns).unwrap();
    let mon = &net.state_monitors[0];
    assert_eq!(mon.len(), trace_t.len());
    for (k, var) in vars.iter().enumerate() {
        let brian = data.get(&format!("trace_{var}")).floats();
        let ours = mon.trace(k, 0);
        let scale = if var == "v" { 0.1 } else { 1.0 };
        let worst = ours
            .iter()
            .zip(&brian)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        println!("{var}: largest difference from Brian 2 over 50 ms: {worst:.1e}");
        assert!(worst < 1e-11 * scale, "{var}: largest difference {worst}");
    }
}

/// At dt = 0.01 ms all three methods are stable and agree with Brian 2's; at 0.1 ms
/// Brian 2's rk4 and euler blow up within the first action potential, and ours stop with
/// an error naming the variable.
#[test]
fn single_neuron_other_methods_match_brian2() {
    let data = load("tests/data/hh_single.json");
    let meta = data.get("meta");
    let dt_fine = meta.get("dt_fine").f64();
    let duration = meta.get("duration").f64();
    for method in ["exponential_euler", "rk4", "euler"] {
        let key = format!("{method}_dt10us");
        assert!(data.get(&format!("{key}_stable")).bool());
        let mut net = single_neuron(&data, method, dt_fine);
        net.run(duration, &hh_namespace(meta)).unwrap();
        let ours = &net.spike_monitors[0].spike_trains()[0];
        let brian = data.get(&format!("{key}_spike_times")).floats();
        assert_same_spikes(ours, &brian, dt_fine, &key);
    }
    let dt = meta.get("dt").f64();
    for method in ["rk4", "euler"] {
        assert!(!data.get(&format!("{method}_stable")).bool());
        let mut net = single_neuron(&data, method, dt);
        let err = net
            .run(duration, &hh_namespace(meta))
            .unwrap_err()
            .to_string();
        assert!(err.contains("hh: the variable"), "{method}: {err}");
    }
}

/// Runs scripts/coba_hh.rhai headless with a seed; returns its mean rate in Hz.
fn coba_hh_rate(seed: u64) -> f64 {
    let path = "scripts/coba_hh.rhai";
    let source = std::fs::read_to_string(path).unwrap();
    let out = std::env::temp_dir().join(format!("brian-test-cobahh-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let mut s = brian::script::Session::new(out, "coba_hh".into());
    {
        let mut st = s.state.borrow_mut();
        st.net.seed(seed);
        st.no_plots = true;
        st.quiet = true;
    }
    if let Err(e) = s.eval(&source, Some(path)) {
        panic!("{}", e.render(path, &source));
    }
    let st = s.state.borrow();
    let ng = st.net.groups[0].as_neurons().unwrap();
    let (method, _) = ng.method().unwrap();
    assert_eq!(
        method, "exponential_euler",
        "implicit: true selects exponential Euler"
    );
    assert_eq!(st.net.clocks[0].timestep, 10_000, "1 s at dt = 0.1 ms");
    assert_eq!(st.net.state_monitors[0].len(), 10_000);
    // The demo has no SpikeMonitor: the count comes from the run's summary line,
    // "run: 1. s simulated in ... (10000 steps), 130700 spikes".
    let line = st.log.last().expect("a run summary");
    let spikes: f64 = line
        .split(", ")
        .find_map(|part| part.strip_suffix(" spikes"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no spike count in '{line}'"));
    spikes / (ng.len() as f64 * st.net.t())
}

/// The network's mean rate over seeds is within 15% of Brian 2's 35.07 Hz (seeds 1-3 of
/// tests/data/cobahh_rate.json; Brian 2's seeds give 34.3-36.3 Hz). Seeds 1-6 give
/// 33.6-38.2 Hz here (mean of 1-3: 35.8 Hz); the activity is bursty (ISI CV about 1.9),
/// so a single seed may stray further, and the bounds per seed are looser.
#[test]
fn coba_hh_network_rate_matches_brian2() {
    let data = load("tests/data/cobahh_rate.json");
    let brian = data.get("mean_rate_over_seeds").f64();
    let rates: Vec<f64> = [1, 2, 3].map(coba_hh_rate).to_vec();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!(
        (mean - brian).abs() < 0.15 * brian,
        "mean rate {mean:.2} Hz over seeds {rates:?}, Brian 2 {brian:.2} Hz"
    );
    for r in &rates {
        assert!((25.0..=47.0).contains(r), "rate {r:.2} Hz");
    }
}
