"""Brian 2's clocks and schedule, for tests/clocks.rs.

Cases (defaultclock.dt = 0.1 ms unless said):
 (a) own_dt: 'dv/dt = 1/ms : 1' (euler), dt = 0.5 ms, threshold 'v > 2.2', reset 'v = 0',
     StateMonitor(when='end') and SpikeMonitor, run 4 ms. The monitor records on the
     group's clock. Keys a_*.
 (b) two_clocks: groups at 0.1 ms and 0.25 ms ('dv/dt = 1/ms : 1'), a StateMonitor on
     each, run 1 ms. Keys b_*.
 (c) slow_group: a 1 ms group monitored for 5 ms: 5 samples. Keys c_*.
 (d) cumulative_end: dt = 1 ms, run(0.5 ms) then run(1.5 ms): the times recorded by a
     StateMonitor (2 steps in all). Keys d_*.
 (e) dt_change: run 1.1 ms at 0.1 ms, set dt = 0.2 ms, run: Brian 2 raises. Keys e_*.
 (f) different_when: Brian 2's test_network_different_when idea: a group whose state
     update is moved (when='before_groups' for a run_regularly is not available here, so
     monitors in each slot) -- StateMonitors at every slot of a threshold/reset cell,
     one step values. Keys f_*.
 (g) order: two StateMonitors in 'start' with order 1 and 0 -- scheduling order by
     (when, order, name). Keys g_order.
 (h) net_t: two explicit Networks each keep their own time. Keys h_*.
 (i) net.schedule with resets before thresholds. Keys i_*.

Re-run:  /work/venv-brian2/bin/python tools/brian2/clocks.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
import numpy as np  # noqa: E402
from brian2 import (  # noqa: E402
    Network, NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, ms, second, start_scope,
)

out = {"meta": meta(args.target)}

# (a)
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "dv/dt = 1/ms : 1", dt=0.5 * ms, threshold="v > 2.2", reset="v = 0", method="euler")
M = StateMonitor(G, "v", record=0, when="end")
S = SpikeMonitor(G)
net = Network(G, M, S)
net.run(4 * ms)
out["a_t"] = floats(M.t / second)
out["a_v"] = floats(M.v[0])
out["a_spike_times"] = floats(S.t / second)

# (b)
start_scope()
defaultclock.dt = 0.1 * ms
G1 = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
G2 = NeuronGroup(1, "dv/dt = 1/ms : 1", dt=0.25 * ms, method="euler")
M1 = StateMonitor(G1, "v", record=0)
M2 = StateMonitor(G2, "v", record=0)
net = Network(G1, G2, M1, M2)
net.run(1 * ms)
out["b_t1"] = floats(M1.t / second)
out["b_v1"] = floats(M1.v[0])
out["b_t2"] = floats(M2.t / second)
out["b_v2"] = floats(M2.v[0])

# (c)
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "v : 1", dt=1 * ms)
M = StateMonitor(G, "v", record=0)
net = Network(G, M)
net.run(5 * ms)
out["c_t"] = floats(M.t / second)

# (d)
start_scope()
defaultclock.dt = 1 * ms
G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
M = StateMonitor(G, "v", record=0)
net = Network(G, M)
net.run(0.5 * ms)
out["d_t_after_first"] = floats(M.t / second)
out["d_net_t_after_first"] = float(net.t / second)
net.run(1.5 * ms)
out["d_t"] = floats(M.t / second)
out["d_net_t"] = float(net.t / second)

# (e)
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "v : 1")
net = Network(G)
net.run(1.1 * ms)
defaultclock.dt = 0.2 * ms
try:
    net.run(1 * ms)
    out["e_error"] = ""
except Exception as e:  # noqa: BLE001
    out["e_error"] = str(e)
# the other way round works: 1.2 ms is a multiple of 0.2 ms
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "v : 1")
net = Network(G)
net.run(1.2 * ms)
defaultclock.dt = 0.2 * ms
net.run(1 * ms)
out["e_ok_t"] = float(net.t / second)

# (f) one cell that spikes in step 0: v starts at 1, threshold v > 0.5, reset v = -1,
# dv/dt = 1/ms; a monitor in every slot sees the step's value at that point.
start_scope()
defaultclock.dt = 0.1 * ms
slots = ["start", "groups", "thresholds", "synapses", "resets", "end",
         "before_groups", "after_thresholds", "before_end", "after_resets"]
G = NeuronGroup(1, "dv/dt = 1/ms : 1", threshold="v > 0.5", reset="v = -1", method="euler")
G.v = 1
mons = {s: StateMonitor(G, "v", record=0, when=s) for s in slots}
net = Network(G, *mons.values())
net.run(0.2 * ms)
out["f_slots"] = slots
out["f_values"] = [floats(mons[s].v[0]) for s in slots]

# (g) order within a slot, and names breaking ties
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
A = StateMonitor(G, "v", record=0, when="groups", order=1, name="a_mon")
B = StateMonitor(G, "v", record=0, when="groups", order=-1, name="b_mon")
C = StateMonitor(G, "v", record=0, when="groups", order=0, name="c_mon")
net = Network(G, A, B, C)
summary = net.scheduling_summary()
out["g_order"] = [e.name for e in summary.entries]
net.run(0.1 * ms)
out["g_a"] = floats(A.v[0])
out["g_b"] = floats(B.v[0])
out["g_c"] = floats(C.v[0])

# (h)
start_scope()
defaultclock.dt = 0.1 * ms
G1 = NeuronGroup(1, "v : 1")
G2 = NeuronGroup(1, "v : 1")
n1 = Network(G1)
n2 = Network(G2)
n1.run(1 * ms)
n2.run(3 * ms)
n1.run(1 * ms)
out["h_t1"] = float(n1.t / second)
out["h_t2"] = float(n2.t / second)

# (i) net.schedule: resets before thresholds
start_scope()
defaultclock.dt = 0.1 * ms
G = NeuronGroup(1, "dv/dt = 1/ms : 1", threshold="v > 0.5", reset="v = -1", method="euler")
G.v = 1
M = StateMonitor(G, "v", record=0, when="end")
S = SpikeMonitor(G)
net = Network(G, M, S)
net.schedule = ["start", "groups", "synapses", "resets", "thresholds", "end"]
net.run(0.3 * ms)
out["i_v"] = floats(M.v[0])
out["i_spikes"] = floats(S.t / second)

# (j) a PoissonGroup with its own dt spikes on its clock's steps only
start_scope()
defaultclock.dt = 0.1 * ms
from brian2 import PoissonGroup, Hz  # noqa: E402
P = PoissonGroup(50, rates=200 * Hz, dt=1 * ms)
S = SpikeMonitor(P)
net = Network(P, S)
net.run(20 * ms)
steps = (S.t / ms)
out["j_all_on_1ms_grid"] = bool(np.all(np.abs(steps - np.round(steps)) < 1e-9))
out["j_some_spikes"] = int(S.num_spikes) > 0

write_json("clocks.json", out, args.out)
for k, v in out.items():
    if k != "meta":
        print(k, v)
