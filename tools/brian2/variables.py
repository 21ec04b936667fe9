"""A group's variables read from Brian 2, for tests/variables.rs: `i` of a subgroup,
`N`, a subexpression computed from the state, `v_` without units, a shared parameter.

Re-run:  /work/venv-brian2/bin/python tools/brian2/variables.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import NeuronGroup, mV, nA, ohm, Mohm, volt  # noqa: E402

out = {"meta": meta(args.target)}
G = NeuronGroup(10, """dv/dt = -v/(10*ms) : volt
                       I = (v - E)/R : amp
                       E : volt (shared)
                       R : ohm""", method="exact")
G.v = "i*mV"
G.R = "(1 + i)*Mohm"
G.E = -2 * mV
SG = G[3:7]
out["sub_i"] = [int(x) for x in SG.i[:]]
out["N"] = int(G.N)
out["sub_N"] = int(SG.N)
out["I"] = floats(G.I[:] / nA)
out["sub_I"] = floats(SG.I[:] / nA)
out["v_"] = floats(G.v_[:])
out["E"] = float(G.E / volt)
# Code on a subgroup sees the subgroup's i and N; the group's subexpressions keep the
# group's own.
H = NeuronGroup(4, """x : 1
                      d = i*1.0 + N*100.0 : 1""")
SH = H[1:3]
SH.x = "d + 1000*i + 10000*N"
out["sub_code_with_subexpression"] = floats(H.x[:])
write_json("variables.json", out, args.out)
print(out)
