"""Small deterministic facts about Brian 2's scheduling, for pinning in tests.

Default schedule of one time step i (t_i = i*dt):
    start -> groups (state updaters) -> thresholds -> synapses (spike
    propagation / on_pre) -> resets -> end
and StateMonitor's default is when='start'.

Cases (dt = 0.1 ms):
 (a) SpikeGeneratorGroup(1, [0], [1*ms]) -> Synapses(on_pre='v += 1*mV',
     delay = 2 ms) -> NeuronGroup 'dv/dt = 0*mV/ms : volt'
     (Brian 2 rejects the unit-less "0/ms" for a volt variable). Two StateMonitors on
     the target, when='start' and when='end'. Keys a_*.
 (b) Same with no delay. Keys b_*.
 (c) StateMonitor timing: 'dv/dt = -v/(10*ms) : 1' (method exact), v(0)=1,
     recorded with when='start' (default) and when='end' for 5 steps. Keys c_*.
 (d) Threshold/reset timing: 'dv/dt = 1/ms : 1' (method euler), threshold
     'v > 0.25', reset 'v = 0', v(0) = 0, monitors when='start' and
     when='end', SpikeMonitor. Keys d_*.
 (e) Zero-delay propagation latency: generator spike at 1 ms -> on_pre
     'v += 1' onto 'dv/dt = 0/ms : 1' with threshold 'v > 0.5', reset 'v = 0':
     time of the target's spike. Keys e_*.

For each monitored case the JSON holds the recorded times [s] and values
(volts for a/b, dimensionless for c/d), and for (a)/(b) the first time step
index (and time) at which each monitor shows the changed value.

Re-run:  /work/venv-brian2/bin/python tools/brian2/schedule_semantics.py [--target numpy|cython]
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


def first_change(values):
    idx = np.nonzero(np.asarray(values) != values[0])[0]
    return int(idx[0]) if len(idx) else None


def delay_case(prefix, delay):
    gen = SpikeGeneratorGroup(1, [0], [1 * ms])
    tgt = NeuronGroup(1, "dv/dt = 0*mV/ms : volt", method="euler")
    syn = Synapses(gen, tgt, on_pre="v += 1*mV")
    syn.connect(i=0, j=0)
    if delay is not None:
        syn.delay = delay
    m_start = StateMonitor(tgt, "v", record=0, when="start")
    m_end = StateMonitor(tgt, "v", record=0, when="end")
    sm = SpikeMonitor(gen)
    net = Network(gen, tgt, syn, m_start, m_end, sm)
    net.run(5 * ms)
    ts = np.asarray(m_start.t / second)
    vs = np.asarray(m_start.v[0] / volt)
    ve = np.asarray(m_end.v[0] / volt)
    ks, ke = first_change(vs), first_change(ve)
    out[prefix + "delay"] = float(delay / second) if delay is not None else 0.0
    out[prefix + "source_spike_time"] = float(sm.t[0] / second)
    out[prefix + "t"] = floats(ts)
    out[prefix + "v_when_start"] = floats(vs)
    out[prefix + "v_when_end"] = floats(ve)
    out[prefix + "first_changed_step_when_start"] = ks
    out[prefix + "first_changed_step_when_end"] = ke
    out[prefix + "first_changed_time_when_start"] = float(ts[ks])
    out[prefix + "first_changed_time_when_end"] = float(ts[ke])
    print(prefix, "spike", sm.t[0], "start-monitor changes at step", ks, "end-monitor at step", ke)


delay_case("a_", 2 * ms)
delay_case("b_", None)

# (c)
G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
G.v = 1
ms_ = StateMonitor(G, "v", record=0)  # default when='start'
me_ = StateMonitor(G, "v", record=0, when="end")
net = Network(G, ms_, me_)
net.run(5 * dt)
out["c_default_when"] = ms_.when
out["c_t"] = floats(ms_.t / second)
out["c_v_when_start"] = floats(ms_.v[0])
out["c_v_when_end"] = floats(me_.v[0])
out["c_v_analytic_at_t"] = floats(np.exp(-np.asarray(ms_.t / second) / 0.01))
print("c start", out["c_v_when_start"], "\nc end  ", out["c_v_when_end"])

# (d)
G = NeuronGroup(1, "dv/dt = 1/ms : 1", threshold="v > 0.25", reset="v = 0", method="euler")
G.v = 0
ms_ = StateMonitor(G, "v", record=0)
me_ = StateMonitor(G, "v", record=0, when="end")
sp = SpikeMonitor(G)
net = Network(G, ms_, me_, sp)
net.run(8 * dt)
out["d_t"] = floats(ms_.t / second)
out["d_v_when_start"] = floats(ms_.v[0])
out["d_v_when_end"] = floats(me_.v[0])
out["d_spike_times"] = floats(sp.t / second)
print("d start", np.round(ms_.v[0], 6), "\nd end  ", np.round(me_.v[0], 6), "\nd spikes", sp.t[:])

# (e)
gen = SpikeGeneratorGroup(1, [0], [1 * ms])
tgt = NeuronGroup(1, "dv/dt = 0/ms : 1", threshold="v > 0.5", reset="v = 0", method="euler")
syn = Synapses(gen, tgt, on_pre="v += 1")
syn.connect(i=0, j=0)
sg = SpikeMonitor(gen)
st = SpikeMonitor(tgt)
net = Network(gen, tgt, syn, sg, st)
net.run(1.5 * ms)
out["e_source_spike_time"] = float(sg.t[0] / second)
out["e_target_spike_times"] = floats(st.t / second)
print("e source", sg.t[:], "target", st.t[:])

write_json("schedule_semantics.json", out, args.out)
