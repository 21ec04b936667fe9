"""Brian 2's run_regularly: how often, in which slot and order, with which clock and names.

Cases (defaultclock.dt = 0.1 ms):
 (a) count: NeuronGroup(1, 'x : 1'), run_regularly('x += 1', dt=1*ms), run 10 ms -> x.
     Also the group's own clock (no dt): 'y += 1' for 1 ms, and dt = 0.3 ms for 1 ms.
 (b) alternate: two operations writing digits into 'seq : 1', one in 'start'
     (seq = 10*seq + 1), one in 'end' (seq = 10*seq + 2), three steps -> 121212.
 (c) order: both in 'start', the first created with order 1 (digit 1), the second with
     order 0 (digit 2), one step -> 21; and equal orders (digits 1 then 2): name order.
 (d) conditional write: 'dv/dt = 0/ms : 1 (unless refractory)', 'c : 1', 's : 1',
     threshold 's > 0.5', reset 's = 0', refractory 5 ms, s = [1, 0]; run_regularly
     'v += 1; c += 1' for 1 ms: v held in the refractory neuron 0, c not.
 (e) synapses: G 'x : 1' with x = i (3 neurons), H 'y : 1' y = 10*i (2 neurons),
     Synapses(G, H, 'w : 1') all-to-all, run_regularly('w += x_pre + y_post', dt=1*ms)
     for 3 ms -> w per synapse (in Brian 2's synapse order).
 (f) the sorted objects (name, when, order, clock name) of case (a)'s network.
 (g) subgroup: NeuronGroup(4, 'x : 1'), G[1:3].run_regularly('x += i + 10*N'), one step:
     the code sees the subgroup alone (i from 0, N = 2).
 (h) explicit network: two groups each with run_regularly('n += 1'), Network(A) runs
     A's code only (the code goes with its group), 5 steps.
 (j) the time code sees: run_regularly('x = t', dt=1.3*ms) and ('y = t; n += 1',
     dt=0.25*ms) on a group of the 0.1 ms default clock, 4 ms: Brian 2's code reads the
     group's clock (3.8 ms at the 3.75 ms tick), bit for bit.
 (i) synapses writing their target: G (3), H 'y : 1' (2), all-to-all, w = i + 1,
     run_regularly('y_post += w'), one step: each y the sum over its synapses.

Re-run:  /work/venv-brian2/bin/python tools/brian2/run_regularly.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, Synapses, defaultclock, ms, second, start_scope,
)

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=float(defaultclock.dt / second))}

# (a)
start_scope()
G = NeuronGroup(1, "x : 1\ny : 1\nz : 1")
G.run_regularly("x += 1", dt=1 * ms)
G.run_regularly("y += 1")
G.run_regularly("z += 1", dt=0.3 * ms)
net = Network(G)
net.run(1 * ms)
out["a_after_1ms"] = {"x": float(G.x[0]), "y": float(G.y[0]), "z": float(G.z[0])}
net.run(9 * ms)
out["a_after_10ms"] = {"x": float(G.x[0]), "y": float(G.y[0]), "z": float(G.z[0])}
out["a_sorted"] = [[o.name, o.when, int(o.order), o.clock.name] for o in net.sorted_objects]

# (b)
start_scope()
G = NeuronGroup(1, "seq : 1")
G.run_regularly("seq = 10*seq + 2", when="end")
G.run_regularly("seq = 10*seq + 1", when="start")
net = Network(G)
net.run(0.3 * ms)
out["b_seq"] = float(G.seq[0])

# (c)
start_scope()
G = NeuronGroup(1, "seq : 1")
G.run_regularly("seq = 10*seq + 1", order=1)
G.run_regularly("seq = 10*seq + 2", order=0)
H = NeuronGroup(1, "seq : 1")
H.run_regularly("seq = 10*seq + 1")
H.run_regularly("seq = 10*seq + 2")
net = Network(G, H)
net.run(0.1 * ms)
out["c_order"] = float(G.seq[0])
out["c_same_order"] = float(H.seq[0])

# (d)
start_scope()
G = NeuronGroup(
    2,
    "dv/dt = 0/ms : 1 (unless refractory)\nc : 1\ns : 1",
    threshold="s > 0.5",
    reset="s = 0",
    refractory=5 * ms,
    method="euler",
)
G.s = [1, 0]
G.run_regularly("v += 1\nc += 1")
net = Network(G)
net.run(1 * ms)
out["d_v"] = floats(G.v[:])
out["d_c"] = floats(G.c[:])

# (e)
start_scope()
G = NeuronGroup(3, "x : 1")
G.x = "i"
H = NeuronGroup(2, "y : 1")
H.y = "10*i"
S = Synapses(G, H, "w : 1")
S.connect()
S.run_regularly("w += x_pre + y_post", dt=1 * ms)
net = Network(G, H, S)
net.run(3 * ms)
out["e_i"] = [int(v) for v in S.i[:]]
out["e_j"] = [int(v) for v in S.j[:]]
out["e_w"] = floats(S.w[:])

# (g)
start_scope()
G = NeuronGroup(4, "x : 1")
G[1:3].run_regularly("x += i + 10*N")
net = Network(G)
net.run(0.1 * ms)
out["g_x"] = floats(G.x[:])

# (h)
start_scope()
A = NeuronGroup(1, "n : 1")
B = NeuronGroup(1, "n : 1")
A.run_regularly("n += 1")
B.run_regularly("n += 1")
net = Network(A)
net.run(0.5 * ms)
out["h_A"] = float(A.n[0])
out["h_B"] = float(B.n[0])

# (i)
start_scope()
G = NeuronGroup(3, "x : 1")
H = NeuronGroup(2, "y : 1")
S = Synapses(G, H, "w : 1")
S.connect()
S.w = "i + 1"
S.run_regularly("y_post += w")
net = Network(G, H, S)
net.run(0.1 * ms)
out["i_y"] = floats(H.y[:])

# (j)
start_scope()
G = NeuronGroup(1, "x : second\ny : second\nn : 1")
G.run_regularly("x = t", dt=1.3 * ms)
G.run_regularly("y = t; n += 1", dt=0.25 * ms)
net = Network(G)
net.run(4 * ms)
out["j"] = {"x": float(G.x[0] / second), "y": float(G.y[0] / second), "n": float(G.n[0])}

write_json("run_regularly.json", out, args.out)
