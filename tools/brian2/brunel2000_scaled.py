"""Brunel (2000) panel A (g = 3, nu_ext = 2 nu_thr: synchronous regular), scaled down to
N_E = 2000, N_I = 500 with C_E = 200 inputs and J scaled by 10000/N_E so that J*C_E, and
so nu_thr, stay those of the paper (as Brian 2's examples/frompapers/Brunel_2000.py has
them for N_E = 10000). Run 250 ms, dt 0.1 ms, for seeds 1..3; the statistics are over
50..250 ms:
  rate_hz      mean population rate
  sync         std/mean of the population rate in 1 ms bins (large when synchronous)
The same model without the (unless refractory) conditional write (the right side
multiplied by int(not_refractory) instead, so the state is frozen but synaptic and
Poisson input still arrive while refractory) is run too, as 'nomask_*': it lands in a
different regime, which is what a test of the conditional write has to tell apart.

Re-run:  /work/venv-brian2/bin/python tools/brian2/brunel2000_scaled.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, PoissonInput, PopulationRateMonitor, Synapses, defaultclock,
    mV, ms, second, seed,
)
import numpy as np  # noqa: E402

defaultclock.dt = 0.1 * ms
N_E, N_I = 2000, 500
N = N_E + N_I
epsilon = 0.1
C_E = int(epsilon * N_E)
C_ext = C_E
tau, theta, V_r, tau_rp = 20 * ms, 20 * mV, 10 * mV, 2 * ms
J = 0.1 * mV * 10000 / N_E
D = 1.5 * ms
g = 3.0
nu_thr = theta / (J * C_E * tau)
nu_ext = 2.0 * nu_thr
T, T0 = 250 * ms, 50 * ms
BIN = 1 * ms


def run(model, s):
    seed(s)
    neurons = NeuronGroup(N, model, threshold="v > theta", reset="v = V_r",
                          refractory=tau_rp, method="exact")
    exc = Synapses(neurons[:N_E], neurons, on_pre="v += J", delay=D)
    exc.connect(p=epsilon)
    inh = Synapses(neurons[N_E:], neurons, on_pre="v += -g*J", delay=D)
    inh.connect(p=epsilon)
    ext = PoissonInput(neurons, "v", C_ext, nu_ext, weight=J)
    rm = PopulationRateMonitor(neurons)
    net = Network(neurons, exc, inh, ext, rm)
    net.run(T)
    r = np.asarray(rm.rate / b2.Hz)[int(T0 / defaultclock.dt):]
    k = int(BIN / defaultclock.dt)
    binned = r[: len(r) // k * k].reshape(-1, k).mean(axis=1)
    return float(r.mean()), float(binned.std() / binned.mean())


out = {"meta": meta(args.target, dt=1e-4), "N_E": N_E, "N_I": N_I, "epsilon": epsilon,
       "J": float(J), "g": g, "nu_ext": float(nu_ext), "C_ext": C_ext, "delay": float(D),
       "T": float(T), "T0": float(T0), "bin": float(BIN), "seeds": [1, 2, 3]}
for key, model in [("", "dv/dt = -v/tau : volt (unless refractory)"),
                   ("nomask_", "dv/dt = -v/tau*int(not_refractory) : volt")]:
    rates, syncs = [], []
    for s in out["seeds"]:
        rate, sync = run(model, s)
        rates.append(rate)
        syncs.append(sync)
        print(key or "masked", "seed", s, "rate", rate, "sync", sync, flush=True)
    out[key + "rate_hz"] = rates
    out[key + "sync"] = syncs
write_json("brunel2000_scaled.json", out, args.out)
