"""Brian 2's refractoriness and synapse-write semantics, pinned for tests/conditional_writes.rs.

dt = 0.1 ms. All traces are StateMonitor(..., when='end') every step, in SI units.

 (a..d) One neuron per group: v(0) = 25 mV, threshold 'v > 20*mV', reset 'v = 10*mV',
     refractory 2 ms. A SpikeGeneratorGroup of two neurons drives it: neuron 0 at
     0, 0.5, 1, 3, 5, 5.5 and 6 ms through on_pre 'v += 3*mV' (the add form), neuron 1 at
     1.5 and 4 ms through on_pre 'v = v + 2*mV' (the set form).
       a: 'dv/dt = 0*mV/ms : volt (unless refractory)'
       b: 'dv/dt = -v/(100*ms) : volt (unless refractory)'   (a slow leak)
       c: 'dv/dt = 0*mV/ms : volt'                             (no flag: writes go through)
       d: as c, with the on_pre code guarded by int(not_refractory): the thresholder has
          already set not_refractory = False in the step a neuron spikes.
     Keys <case>_v, <case>_spikes.
 (p) PoissonInput(N=2, rate=1/dt, weight=0.1 mV): p = rate*dt = 1, so exactly 0.2 mV per
     step, onto the flagged model (p_v) and the unflagged one (q_v); same threshold etc.
 (e) Floating-point order of writes: three synapses from one source onto one target
     'v : 1', on_pre 'v_post += w', all due in one step; Brian 2 adds them one after
     another, ((v + w0) + w1) + w2. Keys e_*.
 (f) Subgroups: code strings on G[3:7] see i local (0..3) and N = 4; Synapses between
     G[2:5] and G[4:9] use i, j local to them (connect conditions, j expressions, code).
 (h) String assignment to a refractory neuron's flagged variable is ignored (it is
     generated code, so it honours the conditional write); a plain value goes through.
 (i) not_refractory and lastspike recorded when='after_thresholds' (the thresholder sets
     them) and when='start'.
 (j) The error for a delay without an on_pre pathway.

Re-run:  /work/venv-brian2/bin/python tools/brian2/conditional_writes.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor, StateMonitor,
    Synapses, defaultclock, mV, ms, second, volt,
)
import numpy as np  # noqa: E402

dt = 0.1 * ms
defaultclock.dt = dt
out = {"meta": meta(args.target, dt=float(dt / second))}

ADD_TIMES = [0, 0.5, 1, 3, 5, 5.5, 6]
SET_TIMES = [1.5, 4]
out["add_times"] = [t * 1e-3 for t in ADD_TIMES]
out["set_times"] = [t * 1e-3 for t in SET_TIMES]
RUN = 8 * ms
out["run"] = float(RUN / second)


def neuron(model):
    g = NeuronGroup(1, model, threshold="v > 20*mV", reset="v = 10*mV", refractory=2 * ms)
    g.v = 25 * mV
    return g


def driven(key, model, add_code="v += 3*mV", set_code="v = v + 2*mV"):
    g = neuron(model)
    times = ADD_TIMES + SET_TIMES
    idx = [0] * len(ADD_TIMES) + [1] * len(SET_TIMES)
    gen = SpikeGeneratorGroup(2, idx, times * ms)
    s_add = Synapses(gen, g, on_pre=add_code)
    s_add.connect(i=0, j=0)
    s_set = Synapses(gen, g, on_pre=set_code)
    s_set.connect(i=1, j=0)
    mon = StateMonitor(g, "v", record=0, when="end")
    sm = SpikeMonitor(g)
    net = Network(g, gen, s_add, s_set, mon, sm)
    net.run(RUN)
    out[key + "_v"] = floats(mon.v[0] / volt)
    out[key + "_spikes"] = floats(sm.t / second)
    print(key, "spikes", sm.t[:], "v at 2 ms", mon.v[0][19:22])


FLAGGED = "dv/dt = 0*mV/ms : volt (unless refractory)"
UNFLAGGED = "dv/dt = 0*mV/ms : volt"
driven("a", FLAGGED)
driven("b", "dv/dt = -v/(100*ms) : volt (unless refractory)")
driven("c", UNFLAGGED)
driven("d", UNFLAGGED, "v += 3*mV*int(not_refractory)", "v = v + 2*mV*int(not_refractory)")

for key, model in [("p", FLAGGED), ("q", UNFLAGGED)]:
    g = neuron(model)
    pi = PoissonInput(g, "v", 2, 1 / dt, weight=0.1 * mV)
    mon = StateMonitor(g, "v", record=0, when="end")
    sm = SpikeMonitor(g)
    net = Network(g, pi, mon, sm)
    net.run(RUN)
    out[key + "_v"] = floats(mon.v[0] / volt)
    out[key + "_spikes"] = floats(sm.t / second)
    print(key, "spikes", sm.t[:])

# (e) found by search: these three differ for sequential adds, deltas and sum-first.
v0 = 0.014628909162980652
ws = [0.0008486999677829854, 0.0006544787497891233, 0.00041279666657057835]
g = NeuronGroup(1, "v : 1")
g.v = v0
gen = SpikeGeneratorGroup(1, [0], [0.2] * ms)
s = Synapses(gen, g, "w : 1", on_pre="v_post += w")
s.connect(i=[0, 0, 0], j=[0, 0, 0])
s.w = ws
g2 = NeuronGroup(1, "v : 1")
g2.v = v0
s2 = Synapses(gen, g2, "w : 1", on_pre="v_post = v_post + w")
s2.connect(i=[0, 0, 0], j=[0, 0, 0])
s2.w = ws
net = Network(g, gen, s, g2, s2)
net.run(0.5 * ms)
out["e_v0"] = v0
out["e_w"] = ws
out["e_v_add"] = float(g.v[0])
out["e_v_set"] = float(g2.v[0])
out["e_sequential"] = ((v0 + ws[0]) + ws[1]) + ws[2]
out["e_sum_first"] = v0 + (ws[0] + ws[1] + ws[2])
assert out["e_v_add"] == out["e_sequential"] != out["e_sum_first"]
print("e", repr(g.v[0]), repr(g2.v[0]))

# (f)
G = NeuronGroup(10, "b : 1\nc : 1\nx : 1")
G.x = "i"
SG = G[3:7]
SG.b = "i"
SG.c = "N + 0*i"
out["f_b"] = floats(G.b[:])
out["f_c"] = floats(G.c[:])
S = Synapses(G[2:5], G[4:9], "w : 1\nu : 1")
S.connect(condition="i == j or j == i + 2")
S.w = "i*10 + j + x_pre*100 + x_post*1000"
S.u = "N_pre*10 + N_post"
out["f_cond_i"] = floats(S.i[:])
out["f_cond_j"] = floats(S.j[:])
out["f_cond_w"] = floats(S.w[:])
out["f_cond_u"] = floats(S.u[:])
S2 = Synapses(G[2:5], G[4:9])
S2.connect(j="i + 1")
out["f_jexpr_i"] = floats(S2.i[:])
out["f_jexpr_j"] = floats(S2.j[:])
net = Network(G, S, S2)
print("f", out["f_b"], out["f_c"], out["f_cond_i"], out["f_cond_j"], out["f_cond_w"])

# (h)
g = NeuronGroup(3, FLAGGED, threshold="v > 20*mV", reset="v = 10*mV", refractory=2 * ms)
g.v = [25, 0, 0] * mV
net = Network(g)
net.run(0.3 * ms)
g.v = "7*mV"
out["h_after_string"] = floats(g.v[:] / volt)
g.v = 5 * mV
out["h_after_value"] = floats(g.v[:] / volt)
print("h", out["h_after_string"], out["h_after_value"])

# (i)
g = neuron(FLAGGED)
m_th = StateMonitor(g, ["not_refractory", "lastspike"], record=0, when="after_thresholds")
m_st = StateMonitor(g, ["not_refractory"], record=0, when="start")
net = Network(g, m_th, m_st)
net.run(3 * ms)
out["i_nr_after_thresholds"] = floats(m_th.not_refractory[0].astype(float))
out["i_lastspike_after_thresholds"] = floats(m_th.lastspike[0] / second)
out["i_nr_start"] = floats(m_st.not_refractory[0].astype(float))
print("i", out["i_nr_after_thresholds"][:3], out["i_nr_start"][:3])

# (j)
gen = SpikeGeneratorGroup(1, [0], [0] * ms)
g = NeuronGroup(1, "v : 1")
try:
    Synapses(gen, g, "w : 1", delay=1 * ms)
    out["j_error"] = None
except ValueError as e:
    out["j_error"] = str(e)
print("j", out["j_error"])

write_json("conditional_writes.json", out, args.out)
