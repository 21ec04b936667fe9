"""Brian 2 resolves external names in code from the calling frame, with the values they
have when the code is compiled or evaluated. The cases of tests/stale_names.rs:

 set      x = 1 mV; G = NeuronGroup(2, 'v : volt'); x = 7 mV; G.v = 'x'  -> 7 mV; then
          x = 9 mV; G.v = 'x + i*mV' -> [9, 10] mV.
 connect  S.connect(condition='j < jmax') with jmax = 2 defined after a run, 4 neurons
          -> 8 synapses; T.connect(j='(i + shift) % 4') with shift = 1 -> j = [1, 2, 3, 0].
 weights  S.w = 'w0 * 2' (w0 = 3 mV) -> 6 mV; S.delay = 'd0' (d0 = 2 ms) -> 2 ms.
 on_pre   on_pre 'v += inc', inc = 1 mV at construction, 5 mV at run -> v = 5 mV.
 poisson  PoissonGroup(10, 'r') with r = 10 kHz at run, 1 ms -> 100 spikes.
 fn       inside a function: tau = 10 ms (a global tau = 1000 ms is not used there as
          the local wins), v0 = 1, run(10 ms) -> v = exp(-1).
 ns       namespace={'rate': 2/ms} wins over a script rate = 1/ms -> v = 2 after 1 ms.

Re-run:  /work/venv-brian2/bin/python tools/brian2/stale_names.py [--target numpy|cython]
"""
from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Hz, NeuronGroup, PoissonGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, defaultclock,
    kHz, mV, ms, run, start_scope,
)

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=1e-4)}


def case_set():
    x = 1 * mV
    G = NeuronGroup(2, "v : volt")
    x = 7 * mV  # noqa: F841
    G.v = "x"
    first = [float(v / mV) for v in G.v]
    x = 9 * mV  # noqa: F841
    G.v = "x + i*mV"
    return first, [float(v / mV) for v in G.v]


out["set_first_mV"], out["set_second_mV"] = case_set()


def case_connect():
    G = NeuronGroup(4, "v : 1")
    S = Synapses(G, G, "w : 1")
    run(1 * ms)
    jmax = 2  # noqa: F841
    S.connect(condition="j < jmax")
    shift = 1  # noqa: F841
    T = Synapses(G, G)
    T.connect(j="(i + shift) % 4")
    return len(S), [int(j) for j in T.j]


start_scope()
out["connect_synapses"], out["connect_j"] = case_connect()


def case_weights():
    G = NeuronGroup(2, "v : volt", threshold="False")  # Brian 2 needs spikes for on_pre
    S = Synapses(G, G, "w : volt", on_pre="v += w")
    S.connect(i=0, j=1)
    w0 = 3 * mV  # noqa: F841
    S.w = "w0 * 2"
    d0 = 2 * ms  # noqa: F841
    S.delay = "d0"
    return [float(w / mV) for w in S.w], [float(d / ms) for d in S.delay]


start_scope()
out["weights_mV"], out["delays_ms"] = case_weights()


def case_on_pre():
    inc = 1 * mV
    src = SpikeGeneratorGroup(1, [0], [0.5 * ms])
    G = NeuronGroup(1, "v : volt")
    S = Synapses(src, G, on_pre="v += inc")
    S.connect(i=0, j=0)
    inc = 5 * mV  # noqa: F841
    run(2 * ms)
    return float(G.v[0] / mV)


start_scope()
out["on_pre_mV"] = case_on_pre()


def case_poisson():
    P = PoissonGroup(10, "r")
    M = SpikeMonitor(P)
    r = 1 * Hz
    r = 10 * kHz  # noqa: F841
    run(1 * ms)
    return int(M.num_spikes)


start_scope()
out["poisson_spikes"] = case_poisson()


def case_fn():
    G = NeuronGroup(1, "dv/dt = -v/tau : 1", method="exact")
    v0 = 1  # noqa: F841
    G.v = "v0"
    tau = 10 * ms  # noqa: F841
    run(10 * ms)
    return float(G.v[0])


start_scope()
out["fn_v"] = case_fn()


def case_ns():
    rate = 1 / ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = rate : 1", namespace={"rate": 2 / ms}, method="euler")
    run(1 * ms)
    return float(G.v[0])


start_scope()
out["namespace_v"] = case_ns()
write_json("stale_names.json", out)
