"""COBAHH random network (Brian 1/Brian 2 COBAHH demo): mean firing rate.

Model (4000 neurons), Brian 1 COBAHH membrane equations plus
    dge/dt = -ge*(1./taue) : siemens,  taue = 5 ms
    dgi/dt = -gi*(1./taui) : siemens,  taui = 10 ms
threshold 'v > -20*mV', refractory 3 ms, no reset (Brian 2's translation of
Brian 1's EmpiricalThreshold(threshold=-20*mV, refractory=3*ms)),
method 'exponential_euler', dt = 0.1 ms, run 1 s.
Synapses: from neurons 0..3199 'ge += 6*nS', from 3200..3999 'gi += 67*nS',
each Synapses(Pe/Pi, P).connect(p=0.02) (autapses allowed, no delay).
Init: v = El + (randn()*5 - 5)*mV, ge = (randn()*1.5 + 4)*10*nS,
      gi = (randn()*12 + 20)*10*nS, m = h = n = 0.
Runs seeds 1, 2 and 3 (brian2.seed(s) before building the network).

Writes tests/data/cobahh_rate.json with, per seed s (prefix seed<s>_):
    n_spikes, mean_rate [Hz] (= n_spikes/(N*duration)),
    mean_rate_after_200ms [Hz], cv_isi_mean (mean over neurons with >= 3
    spikes of std(ISI)/mean(ISI)), n_neurons_cv, n_syn_exc, n_syn_inh,
    pop_rate_10ms  population rate [Hz] in consecutive 10 ms bins
and mean_rate_over_seeds.

Re-run:  /work/venv-brian2/bin/python tools/brian2/cobahh_rate.py [--target numpy|cython]
         [--duration 1.0] [--seeds 1 2 3]
"""
import time

from common import floats, meta, parse_args, setup_brian, write_json


def extra(p):
    p.add_argument("--duration", type=float, default=1.0, help="simulated time [s]")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])


args = parse_args(extra=extra)
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    NeuronGroup, SpikeMonitor, Synapses, Network, defaultclock, seed,
    cm, mV, ms, msiemens, nS, second, siemens, ufarad, umetre,
)
import numpy as np  # noqa: E402

N, NE = 4000, 3200
dt = 0.1 * ms
duration = args.duration * second

area = 20000 * umetre**2
Cm = (1 * ufarad * cm**-2) * area
gl = (5e-5 * siemens * cm**-2) * area
El = -60 * mV
EK = -90 * mV
ENa = 50 * mV
g_na = (100 * msiemens * cm**-2) * area
g_kd = (30 * msiemens * cm**-2) * area
VT = -63 * mV
taue = 5 * ms
taui = 10 * ms
Ee = 0 * mV
Ei = -80 * mV
we = 6 * nS
wi = 67 * nS

eqs = """
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpham*(1-m)-betam*m : 1
dn/dt = alphan*(1-n)-betan*n : 1
dh/dt = alphah*(1-h)-betah*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpham = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
betam = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alphah = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
betah = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alphan = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
betan = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""


def cv_mean(trains):
    cvs = []
    for st in trains.values():
        st = np.asarray(st / second)
        if len(st) >= 3:
            isi = np.diff(st)
            cvs.append(np.std(isi) / np.mean(isi))
    return (float(np.mean(cvs)) if cvs else None), len(cvs)


data = {}
rates = []
dur_s = float(duration / second)
for s in args.seeds:
    t0 = time.time()
    seed(s)
    defaultclock.dt = dt
    P = NeuronGroup(N, eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler")
    Pe = P[:NE]
    Pi = P[NE:]
    Ce = Synapses(Pe, P, on_pre="ge += we")
    Ci = Synapses(Pi, P, on_pre="gi += wi")
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "(randn()*1.5 + 4)*10*nS"
    P.gi = "(randn()*12 + 20)*10*nS"
    M = SpikeMonitor(P)
    net = Network(P, Ce, Ci, M)
    net.run(duration)
    wall = time.time() - t0
    t = np.asarray(M.t / second)
    n_sp = int(len(t))
    rate = n_sp / (N * dur_s)
    late = int(np.sum(t >= 0.2)) / (N * (dur_s - 0.2)) if dur_s > 0.2 else None
    cvm, ncv = cv_mean(M.spike_trains())
    nbins = int(round(dur_s / 0.01))
    hist, _ = np.histogram(t, bins=nbins, range=(0, nbins * 0.01))
    k = f"seed{s}_"
    data[k + "n_spikes"] = n_sp
    data[k + "mean_rate"] = rate
    data[k + "mean_rate_after_200ms"] = late
    data[k + "cv_isi_mean"] = cvm
    data[k + "n_neurons_cv"] = ncv
    data[k + "n_syn_exc"] = int(len(Ce))
    data[k + "n_syn_inh"] = int(len(Ci))
    data[k + "pop_rate_10ms"] = floats(hist / (N * 0.01))
    rates.append(rate)
    print(f"seed {s}: {n_sp} spikes, rate {rate:.3f} Hz, late {late}, CV {cvm}, "
          f"syn {len(Ce)}+{len(Ci)}, {wall:.1f}s")

out = {
    "meta": meta(
        args.target,
        dt=float(dt / second),
        duration=dur_s,
        N=N,
        N_exc=NE,
        seeds=args.seeds,
        p_connect=0.02,
        we=6e-9,
        wi=67e-9,
        taue=0.005,
        taui=0.01,
        threshold="v > -20*mV",
        refractory=0.003,
        reset=None,
        method="exponential_euler",
        state_update_abstract_code=P.state_updater.abstract_code,
    ),
    "mean_rate_over_seeds": float(np.mean(rates)),
}
out.update(data)
write_json("cobahh_rate.json", out, args.out)
