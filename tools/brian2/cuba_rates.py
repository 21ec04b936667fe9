"""CUBA random network (Brian 1 demo, no refractoriness): rates, ISI CVs, synapse counts.

Model (4000 neurons):
    dv/dt  = (ge+gi-(v+49*mV))/(20*ms) : volt
    dge/dt = -ge/(5*ms) : volt
    dgi/dt = -gi/(10*ms) : volt
    threshold 'v > -50*mV', reset 'v = -60*mV', no refractoriness,
    method 'exact', dt = 0.1 ms, run 1 s.
    v(0) = -60 mV + 10 mV*rand(), ge(0) = gi(0) = 0.
    Excitatory: neurons 0..3199, on_pre 'ge += 1.62*mV', p = 0.02
    Inhibitory: neurons 3200..3999, on_pre 'gi += -9*mV', p = 0.02
    (Synapses.connect(condition='i<3200' / 'i>=3200', p=0.02); autapses i==j
    are allowed, as in Brian 1's Connection; no delay, i.e. effect in the
    same time step as the spike.)
Runs seeds 1, 2, 3 (brian2.seed(s) before building the network).

Writes tests/data/cuba_rates.json with, per seed s (key prefix seed<s>_):
    n_spikes, mean_rate [Hz] (= n_spikes / (N * 1 s)),
    mean_rate_after_200ms [Hz] (spikes with t >= 0.2 s / (N * 0.8 s)),
    cv_isi_mean   mean over neurons with >= 3 spikes of std(ISI)/mean(ISI)
                  (population std, ddof=0),
    n_neurons_cv  how many neurons entered that mean,
    cv_isi_pooled std/mean of all ISIs of all neurons pooled,
    n_syn_exc, n_syn_inh, n_syn_total, n_autapses
and the averages over seeds (mean_rate_over_seeds, cv_isi_mean_over_seeds,
n_syn_total_over_seeds).

Re-run:  /work/venv-brian2/bin/python tools/brian2/cuba_rates.py [--target numpy|cython]
"""
import time

from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    NeuronGroup, SpikeMonitor, Synapses, Network, defaultclock, mV, ms, second, seed,
)
import numpy as np  # noqa: E402

N, NE = 4000, 3200
dt = 0.1 * ms
duration = 1 * second
SEEDS = [1, 2, 3]


def cv_stats(trains):
    cvs, pooled = [], []
    for st in trains.values():
        st = np.asarray(st / second)
        if len(st) >= 2:
            isi = np.diff(st)
            pooled.append(isi)
            if len(st) >= 3:
                cvs.append(np.std(isi) / np.mean(isi))
    pooled = np.concatenate(pooled) if pooled else np.array([])
    return (
        float(np.mean(cvs)) if cvs else None,
        len(cvs),
        float(np.std(pooled) / np.mean(pooled)) if len(pooled) else None,
    )


data = {}
rates, cvs, nsyn = [], [], []
for s in SEEDS:
    t0 = time.time()
    seed(s)
    defaultclock.dt = dt
    P = NeuronGroup(
        N,
        """dv/dt  = (ge+gi-(v+49*mV))/(20*ms) : volt
           dge/dt = -ge/(5*ms) : volt
           dgi/dt = -gi/(10*ms) : volt""",
        threshold="v > -50*mV",
        reset="v = -60*mV",
        method="exact",
    )
    P.v = "-60*mV + 10*mV*rand()"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = Synapses(P, P, on_pre="ge += 1.62*mV")
    Ci = Synapses(P, P, on_pre="gi += -9*mV")
    Ce.connect("i < 3200", p=0.02)
    Ci.connect("i >= 3200", p=0.02)
    M = SpikeMonitor(P)
    net = Network(P, Ce, Ci, M)
    net.run(duration)
    t = np.asarray(M.t / second)
    n_sp = int(len(t))
    rate = n_sp / (N * float(duration / second))
    rate_late = int(np.sum(t >= 0.2)) / (N * (float(duration / second) - 0.2))
    cv_mean, n_cv, cv_pooled = cv_stats(M.spike_trains())
    n_aut = int(np.sum(Ce.i[:] == Ce.j[:]) + np.sum(Ci.i[:] == Ci.j[:]))
    k = f"seed{s}_"
    data[k + "n_spikes"] = n_sp
    data[k + "mean_rate"] = rate
    data[k + "mean_rate_after_200ms"] = rate_late
    data[k + "cv_isi_mean"] = cv_mean
    data[k + "n_neurons_cv"] = n_cv
    data[k + "cv_isi_pooled"] = cv_pooled
    data[k + "n_syn_exc"] = int(len(Ce))
    data[k + "n_syn_inh"] = int(len(Ci))
    data[k + "n_syn_total"] = int(len(Ce) + len(Ci))
    data[k + "n_autapses"] = n_aut
    rates.append(rate)
    cvs.append(cv_mean)
    nsyn.append(len(Ce) + len(Ci))
    print(f"seed {s}: rate {rate:.3f} Hz (late {rate_late:.3f}), CV {cv_mean:.3f} "
          f"(n={n_cv}, pooled {cv_pooled:.3f}), syn {len(Ce)}+{len(Ci)}, {time.time()-t0:.1f}s")

out = {
    "meta": meta(
        args.target,
        dt=float(dt / second),
        duration=float(duration / second),
        N=N,
        N_exc=NE,
        seeds=SEEDS,
        p_connect=0.02,
        w_exc=1.62e-3,
        w_inh=-9e-3,
        taum=0.02,
        taue=0.005,
        taui=0.01,
        v_threshold=-0.05,
        v_reset=-0.06,
        El=-0.049,
        refractory=0.0,
        method="exact",
        state_update_abstract_code=P.state_updater.abstract_code,
    ),
    "mean_rate_over_seeds": float(np.mean(rates)),
    "mean_rate_std_over_seeds": float(np.std(rates)),
    "cv_isi_mean_over_seeds": float(np.mean(cvs)),
    "n_syn_total_over_seeds": float(np.mean(nsyn)),
    "n_syn_expected": float(N * N * 0.02),
}
out.update(data)
write_json("cuba_rates.json", out, args.out)
