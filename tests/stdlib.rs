//! The stdlib modules (stdlib/*.rhai, `import "neurons" as nm;`): statistics against
//! known answers (Poisson trains within a few standard errors of the theory for a time
//! grid of step dt, regular trains, hand counts, a known oscillation), each neuron model
//! against the hand-written equations it stands for (the same bits) and its analytic
//! behaviour, the resolver (stdlib names, files beside the script, a clear error
//! otherwise), and a doc comment on every function for `help()`.

mod common;
use common::*;

const DT: f64 = 1e-4;

#[test]
fn poisson_trains_have_the_rate_cv_fano_factor_and_correlation_of_the_theory() {
    let mut s = session("stdlib-poisson", 3);
    let (n, rate, duration) = (1000.0, 50.0, 20.0);
    exec(
        &mut s,
        r#"
import "analysis" as an;
let P = PoissonGroup(1000, 50*Hz);
let M = SpikeMonitor(P);
run(20*second);
let rates = an::firing_rates(M);
let by_count = M.count / (20*second);
let cvs = an::cv_per_neuron(M);
"#,
    );
    // firing_rates is the count over the recorded time, to the last bit.
    assert_eq!(
        floats(&mut s, "rates / Hz"),
        floats(&mut s, "by_count / Hz")
    );
    let rates = floats(&mut s, "rates / Hz");
    assert_eq!(rates.len(), 1000);
    let mean_rate = rates.iter().sum::<f64>() / n;
    let rate_se = (rate / duration / n).sqrt();
    assert!(
        (mean_rate - rate).abs() < 4.0 * rate_se,
        "mean rate {mean_rate} Hz, expected {rate} ± {rate_se}"
    );
    assert!((num(&mut s, "an::mean_rate(M) / Hz") - mean_rate).abs() < 1e-9);

    // On a grid of step dt a Poisson train is a Bernoulli train with p = rate*dt: its
    // intervals are geometric, CV = sqrt(1 - p).
    let p = rate * DT;
    let cv = num(&mut s, "an::cv_isi(M)");
    let cvs = floats(&mut s, "cvs");
    let m = cvs.iter().sum::<f64>() / n;
    assert!(
        (m - cv).abs() < 1e-12,
        "cv_isi is the mean of cv_per_neuron"
    );
    let cv_se = (cvs.iter().map(|c| (c - m) * (c - m)).sum::<f64>() / (n - 1.0)).sqrt() / n.sqrt();
    assert!(
        cv_se > 0.0 && cv_se < 0.002,
        "standard error of the CV {cv_se}"
    );
    let cv_theory = (1.0 - p).sqrt();
    assert!(
        (cv - cv_theory).abs() < 4.0 * cv_se,
        "CV {cv}, theory {cv_theory} ± {cv_se}"
    );

    // Bernoulli counts in bins of K steps: var/mean = 1 - p; with K' bins per neuron the
    // population variance (ddof = 0) is (K'-1)/K' of it. The standard error of one
    // neuron's var/mean is about sqrt((2 + 1/lambda)/K').
    let bin = 0.1;
    let bins = duration / bin;
    let lambda = rate * bin;
    let fano = num(&mut s, "an::fano_factor(M, 100*ms)");
    let fano_theory = (1.0 - p) * (bins - 1.0) / bins;
    let fano_se = ((2.0 + 1.0 / lambda) / bins / n).sqrt();
    assert!(
        (fano - fano_theory).abs() < 4.0 * fano_se,
        "Fano factor {fano}, theory {fano_theory} ± {fano_se}"
    );

    // Independent trains: the mean pairwise correlation is (chi2/K - 1)/(N - 1) with a
    // standard deviation of sqrt(2/K)/(N - 1).
    let r = num(&mut s, "an::spike_count_correlation(M, 100*ms)");
    let r_se = (2.0 / bins).sqrt() / (n - 1.0);
    assert!(r.abs() < 5.0 * r_se, "correlation {r}, expected 0 ± {r_se}");
    // A later window: fewer bins, same answers within their errors.
    let late = num(&mut s, "an::fano_factor(M, 100*ms, #{ start: 10*second })");
    assert!((late - (1.0 - p)).abs() < 4.0 * fano_se * 2f64.sqrt() + 0.01);
}

#[test]
fn identical_trains_are_perfectly_correlated() {
    let mut s = session("stdlib-identical", 4);
    exec(
        &mut s,
        r#"
import "analysis" as an;
let P = PoissonGroup(1, 80*Hz);
let G = NeuronGroup(5, "v : 1", #{ threshold: "v > 0.5", reset: "v = 0" });
let S = Synapses(P, G, #{ on_pre: "v += 1" });
S.connect();
let M = SpikeMonitor(G);
run(2*second);
let m = an::correlation_matrix(M, 20*ms);
"#,
    );
    let r = num(&mut s, "an::spike_count_correlation(M, 20*ms)");
    assert!((r - 1.0).abs() < 1e-12, "correlation {r}");
    for k in 0..5 {
        let row = floats(&mut s, &format!("m[{k}]"));
        assert!(row.iter().all(|x| (x - 1.0).abs() < 1e-12), "{row:?}");
    }
}

#[test]
fn regular_trains_have_cv_and_fano_factor_zero() {
    let mut s = session("stdlib-regular", 1);
    // Every 10 ms from 5 ms, in the middle of a step: ten spikes in every 100 ms bin.
    exec(
        &mut s,
        r#"
import "analysis" as an;
let SG = SpikeGeneratorGroup(2, [0, 1], [5*ms, 5*ms], #{ period: 10*ms });
let M = SpikeMonitor(SG);
run(1*second);
"#,
    );
    assert_eq!(floats(&mut s, "M.count"), vec![100.0, 100.0]);
    assert!(num(&mut s, "an::cv_isi(M)").abs() < 1e-9);
    assert_eq!(num(&mut s, "an::fano_factor(M, 100*ms)"), 0.0);
    // Counts that never vary have no correlation coefficient.
    assert!(num(&mut s, "an::spike_count_correlation(M, 100*ms)").is_nan());
    let isi = floats(&mut s, "an::isi(M) / ms");
    assert_eq!(isi.len(), 198);
    assert!(isi.iter().all(|x| (x - 10.0).abs() < 1e-9));
    // A constant drive: a LIF neuron fires regularly too.
    exec(
        &mut s,
        r#"
start_scope();
import "neurons" as nm;
let G = nm::group(1, nm::lif());
G.I = 0.5*nA;
let ML = SpikeMonitor(G);
run(1*second);
"#,
    );
    assert!(num(&mut s, "ML.num_spikes") as usize > 40);
    assert!(num(&mut s, "an::cv_isi(ML)").abs() < 1e-9);
}

#[test]
fn psth_rates_intervals_and_histograms_match_hand_counts() {
    let mut s = session("stdlib-psth", 1);
    exec(
        &mut s,
        r#"
import "analysis" as an;
let SG = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1], [1*ms, 2*ms, 7*ms, 12*ms, 13.5*ms]);
let M = SpikeMonitor(SG);
run(20*ms);
let p = an::psth(M, 5*ms);
"#,
    );
    // Bins [0, 5), [5, 10), [10, 15), [15, 20) ms: spikes at 1, 2 | 7 | 12, 13.5 | none.
    assert_eq!(floats(&mut s, "p.count"), vec![2.0, 1.0, 2.0, 0.0]);
    let t = floats(&mut s, "p.t / ms");
    assert_eq!(t.len(), 4);
    for (k, x) in t.iter().enumerate() {
        assert!((x - 5.0 * k as f64).abs() < 1e-9);
    }
    let rate = floats(&mut s, "p.rate / Hz");
    for (r, c) in rate.iter().zip([2.0, 1.0, 2.0, 0.0]) {
        assert!((r - c / (3.0 * 0.005)).abs() < 1e-9, "{rate:?}");
    }
    let fr = floats(&mut s, "an::firing_rates(M) / Hz");
    assert_eq!(fr, vec![2.0 / 0.02, 2.0 / 0.02, 1.0 / 0.02]);
    // A window: only the spikes at 7, 12 and 13.5 ms are in [5, 15) ms.
    let fr = floats(
        &mut s,
        "an::firing_rates(M, #{ start: 5*ms, end: 15*ms }) / Hz",
    );
    for r in fr {
        assert!((r - 100.0).abs() < 1e-9);
    }
    // A duration is the window from 0.
    assert_eq!(
        floats(&mut s, "an::firing_rates(M, 10*ms) / Hz"),
        vec![100.0, 100.0, 100.0]
    );
    // Intervals: 11 ms (neuron 0) and 11.5 ms (neuron 1).
    let isi = floats(&mut s, "an::isi(M) / ms");
    assert_eq!(isi.len(), 2);
    assert!((isi[0] - 11.0).abs() < 1e-9 && (isi[1] - 11.5).abs() < 1e-9);
    exec(
        &mut s,
        "let h = an::isi_histogram(M, 2); let hw = an::isi_histogram(M, 5*ms);",
    );
    assert_eq!(floats(&mut s, "h.count"), vec![0.0, 2.0]);
    let edges = floats(&mut s, "h.edges / ms");
    assert!((edges[1] - 5.75).abs() < 1e-9 && (edges[2] - 11.5).abs() < 1e-9);
    assert_eq!(floats(&mut s, "hw.count"), vec![0.0, 0.0, 2.0]);
    assert_eq!(floats(&mut s, "hw.edges / ms").len(), 4);
    // Neurons 0 and 1 have one interval each: no CV.
    assert!(num(&mut s, "an::cv_isi(M)").is_nan());
    let w = floats(&mut s, "[an::window(M).start / ms, an::window(M).end / ms]");
    assert_eq!(w, vec![0.0, 20.0]);
}

#[test]
fn the_spectrum_peaks_at_the_frequency_of_a_known_oscillation() {
    let mut s = session("stdlib-spectrum", 2);
    exec(
        &mut s,
        r#"
import "analysis" as an;
let P = PoissonGroup(2000, "20*Hz*(1 + sin(2*pi*40*Hz*t))");
let R = PopulationRateMonitor(P);
run(2*second);
let sp = an::population_spectrum(R);
"#,
    );
    let f = floats(&mut s, "sp.frequency / Hz");
    let p = floats(&mut s, "sp.power / Hz");
    assert_eq!(f.len(), 20000 / 2 + 1);
    let df = f[1] - f[0];
    assert!((df - 0.5).abs() < 1e-9, "frequency step {df}");
    // 2 s hold 80 whole cycles: the peak is the 40 Hz bin.
    let peak = num(&mut s, "an::peak_frequency(R) / Hz");
    assert!((peak - 40.0).abs() < 1e-9, "peak {peak} Hz");
    assert_eq!(num(&mut s, "sp.peak / Hz"), peak);
    // Parseval: the powers times the frequency step sum to the variance of the rate.
    let rate = floats(&mut s, "R.rate / Hz");
    let m = rate.iter().sum::<f64>() / rate.len() as f64;
    let var = rate.iter().map(|r| (r - m) * (r - m)).sum::<f64>() / rate.len() as f64;
    let total: f64 = p.iter().sum::<f64>() * df;
    assert!((total - var).abs() < 1e-9 * var, "{total} vs {var}");
    // The oscillation's power: amplitude 20 Hz, variance 200 Hz² in one bin of 0.5 Hz.
    let k = f.iter().position(|x| (x - 40.0).abs() < 1e-9).unwrap();
    assert!(
        (p[k] * df - 200.0).abs() < 20.0,
        "power at 40 Hz: {}",
        p[k] * df
    );
    // A window leaving out the first second: half the samples.
    let f2 = floats(
        &mut s,
        "an::population_spectrum(R, #{ start: 1*second }).frequency / Hz",
    );
    assert_eq!(f2.len(), 10000 / 2 + 1);
    assert!((num(&mut s, "an::peak_frequency(R, #{ start: 1*second }) / Hz") - 40.0).abs() < 1e-9);
}

#[test]
fn lif_has_the_analytic_rheobase_and_period() {
    let mut s = session("stdlib-lif", 1);
    exec(
        &mut s,
        r#"
import "neurons" as nm;
let m = nm::lif();
let G = nm::group(2, m);
G.I = [0.199*nA, 0.3*nA];
// Script variables named as the parameters change nothing: the values are in the text.
let El = 0*mV; let vt = -60*mV; let tau_m = 1*ms; let R = 1*Gohm; let vr = 10*mV;
let M = SpikeMonitor(G);
run(1*second);
let tr = M.spike_trains();
"#,
    );
    // Rheobase (vt - El)/R = 20 mV / 100 Mohm = 0.2 nA.
    assert_eq!(floats(&mut s, "M.count")[0], 0.0);
    let t = floats(&mut s, "tr[1] / second");
    // T = refractory + tau_m*ln(R I/(R I - (vt - vr))), on the grid of dt.
    let period = 2e-3 + 10e-3 * (30.0f64 / (30.0 - 20.0)).ln();
    let isi: Vec<f64> = t.windows(2).map(|p| p[1] - p[0]).collect();
    assert!(isi.len() > 70);
    for d in &isi {
        assert!(
            (d - period).abs() <= DT + 1e-9,
            "ISI {d}, analytic {period}"
        );
        assert!((d - isi[0]).abs() < 1e-9, "all intervals equal");
    }
    // The parameters are Brian's names and the overrides reach the equations.
    exec(
        &mut s,
        r#"
start_scope();
let m2 = nm::lif(#{ tau_m: 20*ms, vt: -55*mV });
let G2 = nm::group(1, m2);
G2.I = 0.3*nA;
let M2 = SpikeMonitor(G2);
run(1*second);
"#,
    );
    let t = floats(&mut s, "M2.spike_trains()[0] / second");
    let period = 2e-3 + 20e-3 * (30.0f64 / (30.0 - 15.0)).ln();
    assert!(((t[2] - t[1]) - period).abs() <= DT + 1e-9);
    assert_eq!(num(&mut s, "m2.params.tau_m / ms"), 20.0);
}

/// Runs a model built by the stdlib and its hand-written equations side by side: the same
/// spikes at the same times and the same final values, bit for bit.
fn same_bits(s: &mut brian::script::Session, a: &str, b: &str, vars: &[&str]) {
    assert_eq!(
        floats(s, &format!("{a}.t / second")),
        floats(s, &format!("{b}.t / second"))
    );
    assert_eq!(floats(s, &format!("{a}.i")), floats(s, &format!("{b}.i")));
    for v in vars {
        let x = floats(s, &format!("G_hand.{v}"));
        let y = floats(s, &format!("G_lib.{v}"));
        assert_eq!(x.len(), y.len());
        for (p, q) in x.iter().zip(&y) {
            assert_eq!(p.to_bits(), q.to_bits(), "{v}: {p} vs {q}");
        }
    }
}

#[test]
fn adex_is_brian_2s_brette_gerstner_example_to_the_bit() {
    let mut s = session("stdlib-adex", 1);
    exec(
        &mut s,
        r#"
import "neurons" as nm;
// Brian 2's examples/frompapers/Brette_Gerstner_2005.py
let C = 281*pF;
let gL = 30*nS;
let EL = -70.6*mV;
let VT = -50.4*mV;
let DeltaT = 2*mV;
let Vcut = VT + 5*DeltaT;
let tauw = 144*ms; let a = 4*nS; let b = 0.0805*nA; let Vr = -70.6*mV;
let eqs = `
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
`;
let G_hand = NeuronGroup(3, eqs, #{ threshold: "vm>Vcut", reset: "vm=Vr\nw+=b", method: "euler" });
G_hand.vm = EL;
let G_lib = nm::group(3, nm::adex());
G_hand.I = [0.5*nA, 1*nA, 2*nA];
G_lib.I = [0.5*nA, 1*nA, 2*nA];
let M_hand = SpikeMonitor(G_hand);
let M_lib = SpikeMonitor(G_lib);
run(500*ms);
"#,
    );
    same_bits(&mut s, "M_hand", "M_lib", &["vm", "w"]);
    // Regular spiking with adaptation: the intervals lengthen.
    let t = floats(&mut s, "M_lib.spike_trains()[1] / second");
    assert!(t.len() > 5, "{t:?}");
    assert!(t[2] - t[1] < t[t.len() - 1] - t[t.len() - 2]);
    // An override: no adaptation current, no lengthening.
    exec(
        &mut s,
        r#"
start_scope();
let G2 = nm::group(1, nm::adex(#{ a: 0*nS, b: 0*nA }));
G2.I = 1*nA;
let M2 = SpikeMonitor(G2);
run(300*ms);
"#,
    );
    let t = floats(&mut s, "M2.spike_trains()[0] / second");
    let isi: Vec<f64> = t.windows(2).map(|p| p[1] - p[0]).collect();
    assert!(isi.len() > 3 && isi.iter().all(|d| (d - isi[0]).abs() < 1.5e-4));
}

#[test]
fn izhikevich_is_the_hand_written_model_to_the_bit() {
    let mut s = session("stdlib-izhikevich", 1);
    exec(
        &mut s,
        r#"
import "neurons" as nm;
let a = 0.02/ms; let b = 0.2/ms; let c = -65*mV; let d = 8*mV/ms;
let eqs = `
dv/dt = (0.04/ms/mV)*v**2 + (5/ms)*v + 140*mV/ms - u + I : volt
du/dt = a*(b*v - u) : volt/second
I : volt/second
`;
let G_hand = NeuronGroup(2, eqs, #{ threshold: "v >= 30*mV", reset: "v = c\nu += d", method: "euler" });
G_hand.v = c;
G_hand.u = b*c;
let G_lib = nm::group(2, nm::izhikevich());
G_hand.I = [10*mV/ms, 15*mV/ms];
G_lib.I = [10*mV/ms, 15*mV/ms];
let M_hand = SpikeMonitor(G_hand);
let M_lib = SpikeMonitor(G_lib);
run(500*ms);
"#,
    );
    same_bits(&mut s, "M_hand", "M_lib", &["v", "u"]);
    let n = floats(&mut s, "M_lib.count");
    assert!(n[0] > 3.0 && n[1] > n[0], "{n:?}");
}

#[test]
fn hh_is_brian_2s_cobahh_to_the_bit() {
    let mut s = session("stdlib-hh", 5);
    exec(
        &mut s,
        r#"
import "neurons" as nm;
// Brian 2's examples/COBAHH.py (scripts/brian2/COBAHH.rhai), 100 neurons, driven
// through Synapses by the same input spikes.
let area = 20000*umetre**2;
let Cm = (1*ufarad*cm**-2) * area;
let gl = (5e-5*siemens*cm**-2) * area;
let El = -60*mV;
let EK = -90*mV;
let ENa = 50*mV;
let g_na = (100*msiemens*cm**-2) * area;
let g_kd = (30*msiemens*cm**-2) * area;
let VT = -63*mV;
let taue = 5*ms;
let taui = 10*ms;
let Ee = 0*mV;
let Ei = -80*mV;
let we = 6*nS;
let wi = 67*nS;
let eqs = Equations(`
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
`);
let G_hand = NeuronGroup(100, #{ model: eqs, threshold: "v>-20*mV", refractory: 3*ms,
                method: "exponential_euler" });
let model = nm::hh(#{ synapses: [
    nm::exp_conductance(#{ name: "ge", tau: taue, E: Ee }),
    nm::exp_conductance(#{ name: "gi", tau: taui, E: Ei })] });
let G_lib = NeuronGroup(100, model.equations, model.options);
G_hand.v = "El + (randn() * 5 - 5)*mV";
G_hand.ge = "(randn() * 1.5 + 4) * 10.*nS";
G_hand.gi = "(randn() * 12 + 20) * 10.*nS";
G_lib.v = G_hand.v; G_lib.ge = G_hand.ge; G_lib.gi = G_hand.gi;
let input = PoissonGroup(20, 40*Hz);
let Se_hand = Synapses(input[..10], G_hand, #{ on_pre: "ge += we" });
let Si_hand = Synapses(input[10..], G_hand, #{ on_pre: "gi += wi" });
let Se_lib = Synapses(input[..10], G_lib, #{ on_pre: "ge += we" });
let Si_lib = Synapses(input[10..], G_lib, #{ on_pre: "gi += wi" });
for S in [Se_hand, Si_hand, Se_lib, Si_lib] { S.connect(#{ j: "i*10 + k for k in range(10)" }); }
let M_hand = SpikeMonitor(G_hand);
let M_lib = SpikeMonitor(G_lib);
run(300*ms);
"#,
    );
    assert!(num(&mut s, "M_lib.num_spikes") > 20.0);
    same_bits(&mut s, "M_hand", "M_lib", &["v", "m", "n", "h", "ge", "gi"]);
}

#[test]
fn synapse_models_follow_their_kernels() {
    let mut s = session("stdlib-synapses", 1);
    exec(
        &mut s,
        r#"
import "neurons" as nm;
let e = nm::exp_current(#{ name: "Ie", tau: 5*ms });
let al = nm::alpha_current(#{ name: "Ia", tau: 5*ms });
let m = nm::lif(#{ synapses: [e, al], vt: 100*mV });
let G = nm::group(1, m);
let SG = SpikeGeneratorGroup(1, [0], [10*ms]);
let S1 = Synapses(SG, G, #{ on_pre: e.target + " += 1*nA" });
let S2 = Synapses(SG, G, #{ on_pre: al.target + " += 1*nA" });
S1.connect(); S2.connect();
let SM = StateMonitor(G, ["Ie", "Ia"], #{ record: 0 });
run(40*ms);
"#,
    );
    assert_eq!(
        eval(&mut s, "m.options.method").into_string().unwrap(),
        "exact"
    );
    let t = floats(&mut s, "SM.t / ms");
    let ie = floats(&mut s, "SM.Ie[0] / nA");
    let ia = floats(&mut s, "SM.Ia[0] / nA");
    // The synapses act in step 100 (10 ms), after the state update; the monitor records
    // at the start of each step, so sample k >= 101 is (k - 101)*dt after the spike.
    assert_eq!(t.len(), 400);
    for k in 0..t.len() {
        if k <= 100 {
            assert_eq!((ie[k], ia[k]), (0.0, 0.0), "before the spike, sample {k}");
            continue;
        }
        let u = (k - 101) as f64 * DT / 5e-3;
        assert!(
            (ie[k] - (-u).exp()).abs() < 1e-9,
            "Ie at sample {k}: {}",
            ie[k]
        );
        assert!(
            (ia[k] - u * (-u).exp()).abs() < 1e-9,
            "Ia at sample {k}: {}",
            ia[k]
        );
    }
    // Conductance synapses make the membrane equation non-linear: euler by default.
    let method = eval(
        &mut s,
        "nm::lif(#{ synapses: [nm::alpha_conductance()] }).options.method",
    );
    assert_eq!(method.into_string().unwrap(), "euler");
}

#[test]
fn unknown_parameters_and_modules_are_clear_errors() {
    let mut s = session("stdlib-errors", 1);
    let e = s
        .eval(
            "import \"neurons\" as nm;\nlet m = nm::adex(#{ tau_w: 10*ms });",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("unknown parameter 'tau_w'"),
        "{}",
        e.message
    );
    assert!(e.message.contains("did you mean 'tauw'"), "{}", e.message);
    assert!(
        e.message.contains("C, DeltaT, EL, VT, Vcut, Vr, a, b, gL"),
        "{}",
        e.message
    );
    let e = s
        .eval(
            "import \"neurons\" as nm;\nlet m = nm::exp_conductance(#{ Erev: 0*mV });",
            None,
        )
        .unwrap_err();
    assert!(
        e.message.contains("'Erev'") && e.message.contains("E, name, tau"),
        "{}",
        e.message
    );
    let e = s.eval("import \"analysys\" as an;", None).unwrap_err();
    assert!(
        e.message.contains("no module \"analysys\"")
            && e.message.contains("did you mean \"analysis\"")
            && e.message.contains("neurons, analysis, plots"),
        "{}",
        e.message
    );
    // A monitor that has not run has no window to default to.
    let e = s
        .eval(
            "import \"analysis\" as an;\nlet P = PoissonGroup(2, 5*Hz);\nlet M = SpikeMonitor(P);\nan::firing_rates(M)",
            None,
        )
        .unwrap_err();
    assert!(e.message.contains("has not recorded yet"), "{}", e.message);
    // The bin must fit the window.
    let e = s.eval("run(10*ms);\nan::psth(M, 20*ms)", None).unwrap_err();
    assert!(
        e.message.contains("longer than the window"),
        "{}",
        e.message
    );
}

#[test]
fn scripts_import_their_own_modules_from_beside_them() {
    let dir = std::env::temp_dir().join(format!("brian-test-stdlib-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mylib.rhai"),
        "import \"neurons\" as nm;\n/// A LIF with a slow membrane.\nfn slow() { nm::lif(#{ tau_m: 50*ms }) }\n",
    )
    .unwrap();
    let mut s = session("stdlib-local", 1);
    let script = dir.join("main.rhai");
    let code = "import \"mylib\" as my;\nmy::slow().params.tau_m / ms";
    let v = s
        .eval(code, Some(&script.display().to_string()))
        .unwrap_or_else(|e| panic!("{}", e.render("main.rhai", code)));
    assert_eq!(v.as_float().unwrap(), 50.0);
    // From another directory the file is not found, and the error says where it looked.
    let e = s.eval("import \"mylib\" as my;", None).unwrap_err();
    assert!(
        e.message.contains("no file mylib.rhai beside the script"),
        "{}",
        e.message
    );
}

#[test]
fn the_plots_draw_their_figures() {
    let mut s = session("stdlib-plots", 1);
    s.state.borrow_mut().no_plots = false;
    let out = s.state.borrow().out_dir.clone();
    exec(
        &mut s,
        r#"
import "neurons" as nm;
import "plots" as pl;
let G = nm::group(3, nm::lif());
G.I = [0.25*nA, 0.3*nA, 0.4*nA];
let M = SpikeMonitor(G);
let SM = StateMonitor(G, "v", #{ record: [0, 2] });
let R = PopulationRateMonitor(G);
run(200*ms);
let p = pl::raster_with_rate(M, 10*ms);
savefig("raster_rate.svg");
figure();
pl::raster_with_rate(M, R, 2*ms);
savefig("raster_rate_monitor.svg");
figure();
let h = pl::isi_distribution(M, 20);
savefig("isi.svg");
figure();
pl::voltage_traces(SM, M, [0, 2]);
savefig("traces.svg");
"#,
    );
    assert_eq!(floats(&mut s, "p.count").len(), 20);
    assert_eq!(floats(&mut s, "h.count").len(), 20);
    for f in ["raster_rate", "raster_rate_monitor", "isi", "traces"] {
        let svg = std::fs::read_to_string(out.join(format!("{f}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.len() > 2000, "{f}.svg");
    }
    let traces = std::fs::read_to_string(out.join("traces.svg")).unwrap();
    assert!(traces.contains("neuron 2"), "the traces have labels");
}

#[test]
fn every_stdlib_function_has_a_doc_comment() {
    let sources = brian::script::stdlib::stdlib_sources();
    let names: Vec<&str> = sources.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, vec!["neurons", "analysis", "plots"]);
    for (name, src) in sources {
        let lines: Vec<&str> = src.lines().collect();
        let mut functions = 0;
        for (k, line) in lines.iter().enumerate() {
            let l = line.trim_start();
            if l.starts_with("fn ") || l.starts_with("private fn ") {
                functions += 1;
                let above = lines[..k].iter().rev().find(|l| !l.trim().is_empty());
                assert!(
                    above.is_some_and(|a| a.trim_start().starts_with("///")),
                    "stdlib/{name}.rhai:{}: {l} has no /// comment",
                    k + 1
                );
            }
        }
        assert!(functions > 3, "{name}");
    }
}

#[test]
fn the_default_window_follows_store_and_restore() {
    let mut s = session("stdlib-restore", 1);
    let file = s.state.borrow().out_dir.join("state.bin");
    exec(
        &mut s,
        &format!(
            r#"
import "analysis" as an;
let SG = SpikeGeneratorGroup(1, [0], [5*ms], #{{ period: 10*ms }});
let M = SpikeMonitor(SG);
run(100*ms);
store("a");
store("b", "{}");
run(100*ms);
"#,
            file.display()
        ),
    );
    let window = |s: &mut brian::script::Session| {
        floats(s, "[an::window(M).start / ms, an::window(M).end / ms]")
            .into_iter()
            .map(|t| (t * 1e6).round() / 1e6)
            .collect::<Vec<f64>>()
    };
    assert_eq!(window(&mut s), vec![0.0, 200.0]);
    assert!((num(&mut s, "an::firing_rates(M)[0] / Hz") - 100.0).abs() < 1e-9);
    exec(&mut s, "restore(\"a\");");
    assert_eq!(window(&mut s), vec![0.0, 100.0]);
    assert_eq!(num(&mut s, "M.num_spikes"), 10.0);
    assert!((num(&mut s, "an::firing_rates(M)[0] / Hz") - 100.0).abs() < 1e-9);
    exec(&mut s, "run(50*ms);");
    assert_eq!(window(&mut s), vec![0.0, 150.0]);
    exec(&mut s, &format!("restore(\"b\", \"{}\");", file.display()));
    assert_eq!(window(&mut s), vec![0.0, 100.0]);
}

#[test]
fn a_module_imported_by_one_evaluation_serves_the_next_ones() {
    // As the REPL evaluates line by line.
    let mut s = session("stdlib-repl", 1);
    exec(&mut s, "import \"neurons\" as nm;");
    assert_eq!(num(&mut s, "nm::lif().params.tau_m / ms"), 10.0);
    // A later import under the same name replaces it.
    exec(&mut s, "import \"analysis\" as nm;");
    assert!(s.eval("nm::lif()", None).is_err());
}
