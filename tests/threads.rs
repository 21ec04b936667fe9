//! One network on several threads gives the same bits as on one: the same spike trains
//! and the same state, for 1, 2 and 3 threads (kernels split by neuron range, Connection
//! propagation split by target range).

mod common;
use common::*;

/// CUBA at 20000 neurons with 400 synapses each: large enough that state updates and
/// propagation run in parallel (eval::parallel::MIN_PER_THREAD, connection's
/// PARALLEL_EVENTS).
const CUBA: &str = r#"
let eqs = `
  dv/dt  = (ge+gi-(v+49*mV))/(20*ms) : volt
  dge/dt = -ge/(5*ms) : volt
  dgi/dt = -gi/(10*ms) : volt`;
let P = NeuronGroup(20000, eqs, #{ threshold: -50*mV, reset: -60*mV });
P.v = -60*mV + 10*mV*rand(len(P));
let Pe = P.subgroup(16000);
let Pi = P.subgroup(4000);
let Ce = Connection(Pe, P, "ge", #{ weight: 0.35*mV, sparseness: 0.02 });
let Ci = Connection(Pi, P, "gi", #{ weight: -1.8*mV, sparseness: 0.02 });
let M = SpikeMonitor(P);
run(100*ms);
"#;

/// A noisy group with a subexpression and a threshold in code (kernels that draw random
/// numbers stay on one thread), and a noiseless one that is large.
const NOISY: &str = r#"
let G = NeuronGroup(20000, "dv/dt = (1.1 - v)/(10*ms) + 0.3*xi/sqrt(10*ms) : 1",
                    #{ threshold: "v > 1", reset: "v = 0", method: "euler" });
G.v = "rand()";
let H = NeuronGroup(40000, "dv/dt = (1.2 - v)/(10*ms) + 0.01*sin(2*pi*i/N)/ms : 1",
                    #{ threshold: "v > 1 and i % 3 != 0", reset: "v = 0", method: "euler" });
H.v = "i / N";
let M = SpikeMonitor(G);
let MH = SpikeMonitor(H);
run(50*ms);
"#;

fn spikes_with(threads: usize, src: &str, monitors: &[&str]) -> Vec<Vec<f64>> {
    spikes_and_state(threads, src, monitors, &[])
}

fn spikes_and_state(threads: usize, src: &str, monitors: &[&str], state: &[&str]) -> Vec<Vec<f64>> {
    let mut s = session(&format!("threads-{threads}"), 11);
    s.state.borrow_mut().net.set_threads(threads).unwrap();
    assert_eq!(s.state.borrow().net.threads(), threads);
    exec(&mut s, src);
    let mut out = Vec::new();
    for m in monitors {
        out.push(floats(&mut s, &format!("{m}.i")));
        out.push(floats(&mut s, &format!("{m}.t / ms")));
    }
    for x in state {
        out.push(floats(&mut s, x));
    }
    out
}

#[test]
fn cuba_spikes_are_identical_on_one_two_and_three_threads() {
    let state = ["P.v / mV", "P.ge / mV", "P.gi / mV"];
    let one = spikes_and_state(1, CUBA, &["M"], &state);
    assert!(one[0].len() > 1000, "{} spikes", one[0].len());
    for n in [2, 3] {
        let other = spikes_and_state(n, CUBA, &["M"], &state);
        assert!(other == one, "{n} threads differ from one");
    }
}

#[test]
fn noisy_and_indexed_networks_are_identical_on_any_thread_count() {
    let one = spikes_with(1, NOISY, &["M", "MH"]);
    assert!(one[0].len() > 100 && one[2].len() > 1000);
    for n in [2, 3] {
        assert!(
            spikes_with(n, NOISY, &["M", "MH"]) == one,
            "{n} threads differ from one"
        );
    }
}
