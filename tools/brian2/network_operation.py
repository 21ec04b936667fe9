"""Brian 2's network_operation and stop(): when they run, what they see, where a run stops.

Cases (defaultclock.dt = 0.1 ms):
 (a) stop: Brian 2's examples/network_operation_stop.py with v = i/N instead of rand()
     (deterministic): N = 10, 'dv/dt = (I - v)/tau : 1', I = 1.5, tau = 10 ms, threshold
     v > 1, reset v = 0, exact; a network_operation(dt=1*ms) calls stop() once
     num_spikes >= 20; run(100*ms) -> the time reached, num_spikes, the times the operation
     was called at, and the spike count when stop() was called.
 (b) alternate: operations in 'start' and 'end' append 'x' / 'y', three steps -> xyxyxy.
 (c) order: two operations in 'start', order 1 appends 'a', order 0 appends 'b', and one
     in 'end' appends 'c' (order -5), two steps -> babcbc... (order decides in a slot).
 (d) state: 'dv/dt = -v/(10*ms) : 1', v = 1 (2 neurons); a network_operation(dt=1*ms)
     taking t sets G.v[0] = 1 when t is a multiple of 2 ms and records (t, v[0], v[1],
     defaultclock.t, net.t) before writing; run 5 ms -> the records and the final v.
 (e) stop then run on: after (a), run(10*ms) again -> the time reached and spike count.
 (f) the example as written (G.v = 'rand()'), 10 seeds -> the time reached and the spike
     count of each.

Re-run:  /work/venv-brian2/bin/python tools/brian2/network_operation.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, SpikeMonitor, defaultclock, ms, network_operation, second,
    start_scope, stop,
)

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=float(defaultclock.dt / second))}

# (a)
start_scope()
N = 10
tau = 10 * ms
I = 1.5
target_spikes = 20
G = NeuronGroup(N, "dv/dt = (I - v)/tau : 1", threshold="v>1", reset="v=0", method="exact")
G.v = "1.0*i/N"
spike_mon = SpikeMonitor(G)
calls = []
at_stop = []


@network_operation(dt=1 * ms)
def check_spikes(t):
    calls.append(float(t / second))
    if spike_mon.num_spikes >= target_spikes:
        at_stop.append(int(spike_mon.num_spikes))
        stop()


net = Network(G, spike_mon, check_spikes)
net.run(100 * ms)
out["a"] = {
    "t": float(net.t / second),
    "num_spikes": int(spike_mon.num_spikes),
    "calls": calls,
    "spikes_at_stop": at_stop,
}
# (e)
net.run(10 * ms)
out["e"] = {"t": float(net.t / second), "num_spikes": int(spike_mon.num_spikes)}

# (b)
start_scope()
seq = []
H = NeuronGroup(1, "x : 1")


@network_operation(when="start")
def opx():
    seq.append("x")


@network_operation(when="end")
def opy():
    seq.append("y")


net = Network(H, opx, opy)
net.run(0.3 * ms)
out["b"] = "".join(seq)

# (c)
start_scope()
seq = []
H = NeuronGroup(1, "x : 1")


@network_operation(when="start", order=1)
def opa():
    seq.append("a")


@network_operation(when="start", order=0)
def opb():
    seq.append("b")


@network_operation(when="end", order=-5)
def opc():
    seq.append("c")


net = Network(H, opa, opb, opc)
net.run(0.2 * ms)
out["c"] = "".join(seq)

# (d)
start_scope()
K = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", method="exact")
K.v = 1
records = []


@network_operation(dt=1 * ms)
def kick(t):
    records.append([float(t / second), float(K.v[0]), float(K.v[1]),
                    float(defaultclock.t / second), float(net.t / second)])
    if round(float(t / ms)) % 2 == 0:
        K.v[0] = 1


net = Network(K, kick)
net.run(5 * ms)
out["d"] = {"records": records, "v": floats(K.v[:])}

# (f)
from brian2 import run, seed  # noqa: E402

f_t, f_n = [], []
for k in range(10):
    start_scope()
    seed(k)
    G = NeuronGroup(N, "dv/dt = (I - v)/tau : 1", threshold="v>1", reset="v=0", method="exact")
    G.v = "rand()"
    spike_mon = SpikeMonitor(G)

    @network_operation(dt=1 * ms)
    def check_spikes():
        if spike_mon.num_spikes >= target_spikes:
            stop()

    run(100 * ms)
    f_t.append(float(defaultclock.t / second))
    f_n.append(int(spike_mon.num_spikes))
out["f"] = {"t": f_t, "num_spikes": f_n}

write_json("network_operation.json", out, args.out)
