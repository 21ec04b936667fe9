"""Variables read and recorded as Brian 2 does, for tests/variables_more.rs: StateMonitors
of subexpressions (all neurons, a list, one index, a subgroup; a subgroup's `i` with a
list in any order) over 2 ms of an integrating model, computed at recording time from the
state with the script's values and `t`; a group's subexpression of `t` read after the
run; and a Synapses object's variables: `i`, `j`, `N`, `N_pre`, `N_post`, synaptic
subexpressions (read and recorded; Brian 2 cannot record one that reads neuron
variables), `w_` without units, a shared parameter, `v_post` and the implicit post `v`.

Re-run:  /work/venv-brian2/bin/python tools/brian2/variables_more.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Hz, Mohm, NeuronGroup, StateMonitor, Synapses, amp, defaultclock, mV, ms, nA, nS, run,
    siemens, volt,
)

defaultclock.dt = 0.1 * ms
tau = 10 * ms
taug = 5 * ms
Erev = 0 * mV
I0 = 0.5 * nA
f = 300 * Hz
G = NeuronGroup(4, """dv/dt = (-v + R*(I_syn + drive))/tau : volt
                      dg/dt = -g/taug : siemens
                      I_syn = g*(Erev - v) : amp
                      drive = I0*sin(2*pi*f*t) + i*0.01*nA : amp
                      R : ohm""", method="euler")
G.v = "-65*mV + i*mV"
G.g = "(1 + i)*nS"
G.R = 100 * Mohm
H = NeuronGroup(3, """dv/dt = (E - v)/tau : volt
                      E : volt""", method="euler")
H.E = "i*10*mV"
S = Synapses(G, H, model="""w : siemens
                            I_s = w*(E_post - v_post) + i*0.001*nA - j*0.002*nA : amp
                            c : 1 (shared)
                            dx/dt = -x/taug : 1 (clock-driven)
                            wx = w*x*(1 + c) + i*0.1*nS : siemens""")
S.connect(condition="i != j")
S.w = "i*nS + j*0.5*nS"
S.c = 0.25
S.x = "1 + i - j"
M_all = StateMonitor(G, ["I_syn", "v"], record=True)
M_list = StateMonitor(G, "drive", record=[0, 2])
M_one = StateMonitor(G, "I_syn", record=3)
M_sub = StateMonitor(G[1:3], "drive", record=True)
M_syn = StateMonitor(S, "wx", record=True)
SG = G[1:4]
M_idx = StateMonitor(SG, ["i", "I_syn"], record=[2, 0])
run(2 * ms)

out = {"meta": meta(args.target, dt=float(defaultclock.dt))}
out["t"] = floats(M_all.t / ms)
out["all_I_syn"] = [floats(row / nA) for row in M_all.I_syn]
out["all_v"] = [floats(row / mV) for row in M_all.v]
out["list_drive"] = [floats(row / nA) for row in M_list.drive]
out["one_I_syn"] = [floats(row / nA) for row in M_one.I_syn]
out["sub_drive"] = [floats(row / nA) for row in M_sub.drive]
out["syn_wx_trace"] = [floats(row / nS) for row in M_syn.wx]
out["S_wx"] = floats(S.wx[:] / nS)
# Brian 2.11 records a subgroup's `i` with its offset subtracted twice ([1, -1] here);
# the subgroup's own `i` of the recorded neurons is what recording `i` means.
out["idx_i_brian2_recorded"] = [int(row[0]) for row in M_idx.i]
out["idx_i"] = [int(x) for x in SG.i[[2, 0]]]
out["idx_I_syn"] = [floats(row / nA) for row in M_idx.I_syn]
out["G_drive_end"] = floats(G.drive[:] / nA)
out["S_i"] = [int(x) for x in S.i[:]]
out["S_j"] = [int(x) for x in S.j[:]]
print(repr(S.N), repr(S.N[:]), repr(S.N_pre), repr(S.N_post), repr(S.c), repr(S.i), repr(G.N));out["S_N"] = int(S.N[:])
out["S_N_pre"] = int(S.N_pre)
out["S_N_post"] = int(S.N_post)
out["S_I_s"] = floats(S.I_s[:] / nA)
out["S_w_"] = floats(S.w_[:])
out["S_c"] = float(S.c[:])
out["S_v_post"] = floats(S.v_post[:] / mV)
out["S_v"] = floats(S.v[:] / mV)
write_json("variables_more.json", out, args.out)
print({k: v for k, v in out.items() if not isinstance(v, list) or len(v) < 8})
