"""Brian 2's refractoriness over many neurons and across runs, pinned for
tests/refractory_semantics.rs.

dt = 0.1 ms. Neurons `dv/dt = rate : volt` with `rate = (2 + i) mV/ms` per neuron reach the
threshold 'v > 10*mV' at different times, reset 'v = 0*mV', so that neurons enter
refractoriness while others leave it. Traces are StateMonitor(..., when='end') every step,
in SI units; `<case>_<var>` is a list of steps, each a list over neurons.

 (a) 6 neurons, v flagged (unless refractory), refractory 2 ms, two runs (3.3 ms, 4.7 ms):
     refractoriness started in the first run goes on in the second. Between the runs the
     script sets not_refractory = False for all neurons (the next update derives it again
     from lastspike) and lastspike of neuron 5 to 3.3 ms, the time (it is refractory 2 ms
     from the start of the second run, without a spike). Keys a_v, a_nr, a_lastspike, a_i, a_t.
 (b) as (a) in one run of 8 ms, refractoriness a per-neuron parameter 'ref' =
     (1 + 0.35*i) ms (not multiples of dt: Brian 2 compares timestep(t - lastspike) with
     timestep(ref)). Keys b_*.
 (c) as (a) in one run of 8 ms, refractoriness a condition to leave, 'w > 0.25', with
     `dw/dt = -1/ms : 1` and reset 'v = 0*mV; w = 1'. Keys c_*.
 (d) 4 neurons, no flag, refractory 2 ms, 6 ms; synapses write the refractoriness: a
     SpikeGeneratorGroup makes them set 'lastspike_post = t' on neuron 0 at 1.05 ms and
     'not_refractory_post = False' on neurons 1 and 2 at 2.55 ms. Keys d_*.
 (e) as (d) without synapses; a run_regularly on the subgroup of neuron 3 sets
     lastspike = t every 1.1 ms. Keys e_*.

Re-run:  /work/venv-brian2/bin/python tools/brian2/refractory_semantics.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
    defaultclock, mV, ms, second, volt,
)
import numpy as np  # noqa: E402

dt = 0.1 * ms
defaultclock.dt = dt
out = {"meta": meta(args.target, dt=float(dt / second))}

MODEL = "dv/dt = rate : volt{flag}\nrate : volt/second"


def group(n, flag=True, extra="", **kw):
    model = MODEL.format(flag=" (unless refractory)" if flag else "") + extra
    g = NeuronGroup(n, model, threshold="v > 10*mV", method="euler", **kw)
    g.rate = "(2 + i)*mV/ms"
    return g


def record(key, net, g, sm, mons):
    mv, mn, ml = mons
    out[key + "_v"] = [floats(mv.v[:, k] / volt) for k in range(len(mv.t))]
    out[key + "_nr"] = [floats(mn.not_refractory[:, k]) for k in range(len(mn.t))]
    out[key + "_lastspike"] = [floats(ml.lastspike[:, k] / second) for k in range(len(ml.t))]
    out[key + "_i"] = [int(x) for x in sm.i[:]]
    out[key + "_t"] = floats(sm.t / second)
    print(key, "spikes", list(zip(sm.i[:], sm.t[:])))


def monitors(g):
    return [StateMonitor(g, v, record=True, when="end") for v in ("v", "not_refractory", "lastspike")]


# (a)
g = group(6, reset="v = 0*mV", refractory=2 * ms)
mons = monitors(g)
sm = SpikeMonitor(g)
net = Network(g, sm, *mons)
net.run(3.3 * ms)
g.not_refractory = False
g.lastspike[5] = net.t
net.run(4.7 * ms)
record("a", net, g, sm, mons)

# (b)
g = group(6, extra="\nref : second", reset="v = 0*mV", refractory="ref")
g.ref = "(1 + 0.35*i)*ms"
mons = monitors(g)
sm = SpikeMonitor(g)
net = Network(g, sm, *mons)
net.run(8 * ms)
record("b", net, g, sm, mons)
out["b_ref"] = floats(g.ref[:] / second)

# (c)
g = group(6, extra="\ndw/dt = -1/ms : 1", reset="v = 0*mV; w = 1", refractory="w > 0.25")
mons = monitors(g)
sm = SpikeMonitor(g)
net = Network(g, sm, *mons)
net.run(8 * ms)
record("c", net, g, sm, mons)

# (d)
g = group(4, flag=False, reset="v = 0*mV", refractory=2 * ms)
gen = SpikeGeneratorGroup(2, [0, 1], [1.05, 2.55] * ms)
s_last = Synapses(gen, g, on_pre="lastspike_post = t")
s_last.connect(i=0, j=0)
s_nr = Synapses(gen, g, on_pre="not_refractory_post = False")
s_nr.connect(i=1, j=[1, 2])
mons = monitors(g)
sm = SpikeMonitor(g)
net = Network(g, gen, s_last, s_nr, sm, *mons)
net.run(6 * ms)
record("d", net, g, sm, mons)

# (e)
g = group(4, flag=False, reset="v = 0*mV", refractory=2 * ms)
rr = g[3:4].run_regularly("lastspike = t", dt=1.1 * ms)
mons = monitors(g)
sm = SpikeMonitor(g)
net = Network(g, rr, sm, *mons)
net.run(6 * ms)
record("e", net, g, sm, mons)

write_json("refractory_semantics.json", out, args.out)
