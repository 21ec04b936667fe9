"""Brian 2's STDP example (Song, Miller & Abbott 2000): final weight distribution.

1000 Poisson inputs at 15 Hz onto one integrate-and-fire neuron (method 'euler'),
additive STDP with event-driven traces, gmax = 0.01, w(0) = rand()*gmax, 100 s.
This is examples/synapses/STDP.py of Brian 2 without the plots.

Writes tests/data/stdp_weights.json with, per seed s (key prefix seed<s>_):
    frac_low   fraction of weights below 0.1*gmax
    frac_high  fraction of weights above 0.9*gmax
    mean_w     mean weight / gmax
    post_rate  output rate [Hz]
and the means over seeds (key suffix _over_seeds).

Re-run:  /work/venv-brian2/bin/python tools/brian2/stdp_weights.py --target cython
(the numpy target works too, more slowly).
"""
from common import meta, parse_args, setup_brian, write_json

args = parse_args(default_target="cython")
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Hz, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, ms, mV, run, second, seed, start_scope,
)
import numpy as np  # noqa: E402

data = {}
seeds = [1, 2, 3]
for sd in seeds:
    start_scope()
    seed(sd)
    N = 1000
    taum = 10 * ms
    taupre = 20 * ms
    taupost = taupre
    Ee = 0 * mV
    vt = -54 * mV
    vr = -60 * mV
    El = -74 * mV
    taue = 5 * ms
    F = 15 * Hz
    gmax = 0.01
    dApre = 0.01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1"""
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold="v>vt", reset="v = vr", method="euler")
    S = Synapses(
        poisson_input,
        neurons,
        """w : 1
        dApre/dt = -Apre / taupre : 1 (event-driven)
        dApost/dt = -Apost / taupost : 1 (event-driven)""",
        on_pre="""ge += w
        Apre += dApre
        w = clip(w + Apost, 0, gmax)""",
        on_post="""Apost += dApost
        w = clip(w + Apre, 0, gmax)""",
    )
    S.connect()
    S.w = "rand() * gmax"
    M = SpikeMonitor(neurons)
    run(100 * second)
    w = np.asarray(S.w[:]) / gmax
    data[f"seed{sd}_frac_low"] = float((w < 0.1).mean())
    data[f"seed{sd}_frac_high"] = float((w > 0.9).mean())
    data[f"seed{sd}_mean_w"] = float(w.mean())
    data[f"seed{sd}_post_rate"] = float(M.num_spikes / 100.0)
for key in ["frac_low", "frac_high", "mean_w", "post_rate"]:
    data[f"{key}_over_seeds"] = float(np.mean([data[f"seed{s}_{key}"] for s in seeds]))
write_json("stdp_weights.json", {"meta": meta(args.target, dt=1e-4, duration=100.0, seeds=seeds), **data})
