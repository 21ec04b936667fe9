"""Brian 2's NeuronGroup.get_states / set_states, pinned for tests/get_states.rs: which
variables each option gives (keys, sorted), and the values of get_states(vars) after
set_states. G: 2 neurons 'dv/dt = -v/(10*ms) : volt', 'I = 2*v : volt', 'w : 1',
refractory 1 ms; H: 3 neurons 'x : 1' (no refractoriness).

Re-run:  /work/venv-brian2/bin/python tools/brian2/get_states.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import NeuronGroup, mV, ms, volt  # noqa: E402

out = {"meta": meta(args.target)}
G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt\nI = 2*v : volt\nw : 1", threshold="v>1*mV",
                reset="v=0*mV", refractory=1 * ms)
out["default"] = sorted(G.get_states().keys())
out["subexpressions"] = sorted(G.get_states(subexpressions=True).keys())
out["no_read_only"] = sorted(G.get_states(read_only_variables=False).keys())
G.set_states({"v": [1, 2] * mV, "w": [3, 4]})
d = G.get_states(["v", "w", "I"], units=False)
out["v_unitless"] = floats(d["v"])
out["w"] = floats(d["w"])
out["I_unitless"] = floats(d["I"])
H = NeuronGroup(3, "x : 1")
out["no_refractoriness"] = sorted(H.get_states().keys())
write_json("get_states.json", out)
