"""Brian 2's string indices (`G.v["v > -50*mV"] = ...`, `S.w["i > j"] = ...`,
`S.delay["i == 0"] = ...`), pinned for tests/string_indices.rs. No random numbers.

 (a) G: 6 neurons 'v : volt', v = i*mV; G.v['v > 2.5*mV'] = -1*mV, then on the subgroup
     G[2:], G[2:].v['i < 2'] = '10*mV + i*mV' (i local to the subgroup). Keys a_v1, a_v2 (mV).
 (b) S = Synapses(G, G, 'w : volt', on_pre='v += w'), connect('i != j') on 4 neurons;
     S.w['i > j'] = 'exp(-(i - j)**2/200.0) * mV'; S.delay['i == 0'] = 'j*ms';
     S.w['w == 0*mV'] = 2*mV. Keys b_i, b_j, b_w (mV), b_delay (ms).
 (c) 3 neurons 'dv/dt = 1*mV/ms : volt (unless refractory)', threshold v > 0.15 mV,
     reset v = 0 mV, refractory 1 ms, v = [0.1, 0, 0] mV; after 0.1 ms neuron 0 is
     refractory; G.v['i >= 0'] = 5*mV (is the refractory neuron written?). Keys c_v (mV),
     c_not_refractory.

Re-run:  /work/venv-brian2/bin/python tools/brian2/string_indices.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import NeuronGroup, Synapses, Network, defaultclock, mV, ms, second  # noqa: E402

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=float(defaultclock.dt / second))}

G = NeuronGroup(6, "v : volt", threshold="v > 100*mV")
G.v = "i*mV"
G.v["v > 2.5*mV"] = -1 * mV
out["a_v1"] = floats(G.v[:] / mV)
sub = G[2:]  # held: a temporary subgroup is gone before the write
sub.v["i < 2"] = "10*mV + i*mV"
out["a_v2"] = floats(G.v[:] / mV)

H = NeuronGroup(4, "v : volt", threshold="v > 100*mV")
S = Synapses(H, H, "w : volt", on_pre="v += w")
S.connect("i != j")
S.w["i > j"] = "exp(-(i - j)**2/200.0) * mV"
S.delay["i == 0"] = "j*ms"
S.w["w == 0*mV"] = 2 * mV
out["b_i"] = [int(x) for x in S.i[:]]
out["b_j"] = [int(x) for x in S.j[:]]
out["b_w"] = floats(S.w[:] / mV)
out["b_delay"] = floats(S.delay[:] / ms)

C = NeuronGroup(3, "dv/dt = 1*mV/ms : volt (unless refractory)", threshold="v > 0.15*mV",
                reset="v = 0*mV", refractory=1 * ms, method="euler")
C.v = [0.1, 0, 0] * mV
net = Network(C)
net.run(0.1 * ms)
C.v["i >= 0"] = 5 * mV
out["c_v"] = floats(C.v[:] / mV)
out["c_not_refractory"] = [bool(x) for x in C.not_refractory[:]]

write_json("string_indices.json", out)
