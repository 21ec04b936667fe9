"""Brian 2's connect() with generator syntax, expressions for p and n, and index arrays:
the synapses (i, j) each deterministic call makes, and the errors Brian 2 raises.

Re-run:  /work/venv-brian2/bin/python tools/brian2/connect_generator.py
"""
from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import NeuronGroup, Synapses, start_scope  # noqa: E402

CASES = [
    # (name, keyword arguments of connect, as Rhai map text is built from them in the test)
    ("range_filtered", dict(j="k for k in range(i-3, i+4) if k >= 0 and k < N_post")),
    ("range_skip", dict(j="k for k in range(i-3, i+4) if i != k", skip_if_invalid=True)),
    ("range_step", dict(j="k for k in range(i, N_post, 3)")),
    ("neighbour", dict(j="i+1 if i < N_pre-1")),
    ("both_neighbours", dict(j="i+(-1)**k for k in range(2) if i>0 and i<N_pre-1")),
    ("lower_triangle", dict(j="k for k in range(i+1)")),
    ("i_generator", dict(i="j", n="j % 3")),
    ("n_expression", dict(condition="i == j", n="i")),
    ("sample_size", dict(j="k for k in sample(N_post, size=i//2)")),
    ("pairs_broadcast", dict(i=0, j=[1, 2, 3])),
    ("invalid", dict(j="k for k in range(i-3, i+4)")),
    ("invalid_condition_reads_j", dict(j="k for k in range(i-1, i+2) if j != 5")),
    ("p_with_generator", dict(j="k for k in range(i)", p=0.5)),
]

out = {"meta": meta(args.target), "n": 10, "cases": {}}
for name, kw in CASES:
    start_scope()
    G = NeuronGroup(10, "v : 1")
    S = Synapses(G, G, "w : 1")
    case = {"kwargs": kw}
    try:
        S.connect(**kw)
        case["i"] = [int(x) for x in S.i[:]]
        case["j"] = [int(x) for x in S.j[:]]
        if name == "sample_size":
            # random targets: only the count per source is fixed
            case["count_per_i"] = [int((S.i[:] == k).sum()) for k in range(10)]
            del case["i"], case["j"]
    except Exception as e:  # noqa: BLE001
        case["error"] = type(e).__name__
    out["cases"][name] = case
write_json("connect_generator.json", out)
