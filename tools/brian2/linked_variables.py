"""Brian 2's linked variables (`I : 1 (linked)`, `G.I = linked_var(source, 'x')`), pinned
for tests/linked_variables.rs. dt = 0.1 ms, no random numbers; every trace is a
StateMonitor recording every step (when='start' unless said), SI units.

 (a) source 1 neuron `dx/dt = (1 - x)/(5*ms)`, x = 0; target 3 neurons
     `dv/dt = (I - v)/(10*ms)` with `I : 1 (linked)` (a size-1 source links to all),
     named 'src' and 'tg': Brian 2 orders a slot's objects by name, so the source's state
     update runs first and the target reads this step's x. 4 ms. Keys a_v (steps x
     neurons), a_I.
 (b) as (a) with the source named 'zsrc': the target's state update runs first and
     reads x of the step before. Keys b_v, b_I.
 (c) source 3 neurons with x = i (constant), target 4 neurons with index [2, 0, 1, 2];
     the target also has threshold 'I > 1.5' and reset 'v = 0' with `dv/dt = 1/ms : 1`
     (threshold reads the linked variable). 1 ms. Keys c_I (the final values), c_count.
 (d) source 2 neurons `dx/dt = 1/ms : 1`, target 2 neurons (same size) `dv/dt = I/ms`,
     reset-free; the source's threshold 'x > 0.35', reset 'x = 0': the target reads
     x after the source's reset in later slots. 1 ms; StateMonitor of I when='end'.
     Named 'src' and 'tg' as in (a).
     Keys d_v, d_I.

Re-run:  /work/venv-brian2/bin/python tools/brian2/linked_variables.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, linked_var, ms, second,
)

dt = 0.1 * ms
defaultclock.dt = dt
out = {"meta": meta(args.target, dt=float(dt / second))}


def steps(mon, var):
    return [floats(getattr(mon, var)[:, k]) for k in range(len(mon.t))]


def case_ab(key, source_name):
    src = NeuronGroup(1, "dx/dt = (1 - x)/(5*ms) : 1", method="euler", name=source_name)
    tg = NeuronGroup(3, "dv/dt = (I - v)/(10*ms) : 1\nI : 1 (linked)", method="euler",
                     name="tg")
    tg.I = linked_var(src, "x")
    mon = StateMonitor(tg, ["v", "I"], record=True)
    net = Network(src, tg, mon)
    net.run(4 * ms)
    out[key + "_v"] = steps(mon, "v")
    out[key + "_I"] = steps(mon, "I")


case_ab("a", "src")
case_ab("b", "zsrc")

# (c)
src = NeuronGroup(3, "x : 1")
src.x = "i"
tg = NeuronGroup(4, "dv/dt = 1/ms : 1\nI : 1 (linked)", threshold="I > 1.5", reset="v = 0",
                 method="euler")
tg.I = linked_var(src, "x", index=[2, 0, 1, 2])
sm = SpikeMonitor(tg)
net = Network(src, tg, sm)
net.run(1 * ms)
out["c_I"] = floats(tg.I[:])
out["c_count"] = [int(c) for c in sm.count[:]]

# (d)
src = NeuronGroup(2, "dx/dt = 1/ms : 1", threshold="x > 0.35", reset="x = 0", method="euler",
                  name="src")
src.x = [0.0, 0.2]
tg = NeuronGroup(2, "dv/dt = I/ms : 1\nI : 1 (linked)", method="euler", name="tg")
tg.I = linked_var(src, "x")
mon = StateMonitor(tg, ["v", "I"], record=True, when="end")
net = Network(src, tg, mon)
net.run(1 * ms)
out["d_v"] = steps(mon, "v")
out["d_I"] = steps(mon, "I")

write_json("linked_variables.json", out)
