"""NumPy's (and Brian 2's) answers for the array vocabulary of scripts, pinned for
tests/arrays.rs. Each case is a NumPy expression and the brian script expression that
means the same (Rhai has no `a[i, j]`, `:` or tuples: `a.at(i, j)`, `0..`, arrays of
results); the JSON keeps both and the value NumPy gives, flattened, with its dtype kind
("f", "i", "b") and shape. Brian 2 cases index Synapses variables (`S.w[1, [0, 3]]`,
`S.j[2, :]`, a weight matrix filled from `S.i`, `S.j`, `S.w`, string indices).

Re-run:  /work/venv-brian2/bin/python tools/brian2/numpy_arrays.py
"""
from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
import numpy as np  # noqa: E402
from brian2 import NeuronGroup, Synapses, mV  # noqa: E402

# The inputs, defined the same way on both sides.
SETUP = {
    "a": ("np.array([3.0, -1.5, 2.5, 0.5, 2.5, -4.0])", "array([3.0, -1.5, 2.5, 0.5, 2.5, -4.0])"),
    "k": ("np.array([2, 0, 1, 1, 3])", "array([2, 0, 1, 1, 3])"),
    "m": ("np.arange(12.0).reshape(3, 4)", "reshape(arange(12)*1.0, 3, 4)"),
}
CASES = [
    # indexing
    ("a[np.array([0, 2, -1])]", "a[array([0, 2, -1])]"),
    ("a[a > 1]", "a[a > 1.0]"),
    ("a[(a > 0) & (a < 3)]", "a[(a > 0.0) & (a < 3.0)]"),
    ("a[(a < 0) | (a > 2.7)]", "a[(a < 0.0) | (a > 2.7)]"),
    ("a[~(a > 0)]", "a[!(a > 0.0)]"),
    ("a[-2]", "a[-2]"),
    ("a[1:4]", "a[1..4]"),
    ("a[-3:]", "a[-3..]"),
    ("a[[1, 1, 0]]", "a[[1, 1, 0]]"),
    ("a.shape", "a.shape"),
    ("a.size", "a.size"),
    ("m.shape", "m.shape"),
    ("m.T.shape", "m.T.shape"),
    ("m[1, 2]", "m.at(1, 2)"),
    ("m[1, :]", "m.at(1, 0..)"),
    ("m[:, 2]", "m.at(0.., 2)"),
    ("m[[0, 2], [1, 3]]", "m.at([0, 2], [1, 3])"),
    ("m[0:2, [1, 3]]", "m.at(0..2, [1, 3])"),
    ("m[-1, -1]", "m.at(-1, -1)"),
    ("m.T[3]", "m.T[3]"),
    # functions
    ("np.arange(5)", "arange(5)"),
    ("np.arange(1, 10, 3)", "arange(1, 10, 3)"),
    ("np.arange(0.0, 1.0, 0.25)", "arange(0.0, 1.0, 0.25)"),
    ("np.linspace(0, 1, 5)", "linspace(0, 1, 5)"),
    ("np.cumsum(a)", "cumsum(a)"),
    ("np.cumsum(k)", "cumsum(k)"),
    ("np.sort(a)", "sort(a)"),
    ("np.argsort(a, kind='stable')", "argsort(a)"),
    ("np.argmax(a)", "argmax(a)"),
    ("np.argmin(a)", "argmin(a)"),
    ("np.diff(a)", "diff(a)"),
    ("np.where(a > 1)[0]", "where(a > 1.0)[0]"),
    ("np.where(a > 1, a, 0.0)", "where(a > 1.0, a, 0.0)"),
    ("np.unique(a)", "unique(a)"),
    ("np.unique(k)", "unique(k)"),
    ("np.tile(k, 2)", "tile(k, 2)"),
    ("np.repeat(k, 2)", "repeat(k, 2)"),
    ("np.concatenate([a, k])", "concatenate([a, k])"),
    ("np.hstack([k, k])", "hstack([k, k])"),
    ("np.vstack([a, a * 2])", "vstack([a, a * 2.0])"),
    ("np.vstack([a, a * 2]).shape", "vstack([a, a * 2.0]).shape"),
    ("np.histogram(a, 4)[0]", "histogram(a, 4)[0]"),
    ("np.histogram(a, 4)[1]", "histogram(a, 4)[1]"),
    ("np.histogram(a, [-4, 0, 1, 3])[0]", "histogram(a, [-4, 0, 1, 3])[0]"),
    ("np.histogram(a, 3, range=(0, 3))[0]", "histogram(a, #{ bins: 3, range: [0, 3] })[0]"),
    ("np.bincount(k)", "bincount(k)"),
    ("np.bincount(k, minlength=6)", "bincount(k, #{ minlength: 6 })"),
    ("np.clip(a, -1, 2)", "clip(a, -1, 2)"),
    ("np.round(a)", "round(a)"),
    ("np.round(np.array([0.125, 0.375, 2.675]), 2)", "round(array([0.125, 0.375, 2.675]), 2)"),
    ("np.array(a, dtype=int)", "int(a)"),
    ("np.full(3, 7)", "full(3, 7)"),
    ("np.zeros((2, 3)).shape", "zeros(2, 3).shape"),
    ("np.ones((2, 2)).sum()", "sum(ones(2, 2))"),
    ("np.mean(m, axis=0)", "mean(m, 0)"),
    ("np.mean(m, axis=1)", "mean(m, #{ axis: 1 })"),
    ("np.sum(m, axis=1)", "sum(m, 1)"),
    ("np.max(m, axis=0)", "max(m, 0)"),
    ("np.std(m, axis=1)", "std(m, 1)"),
    ("np.median(a)", "median(a)"),
    ("np.amax(a)", "amax(a)"),
    ("np.amin(k)", "amin(k)"),
    ("np.sum(a > 0)", "sum(a > 0.0)"),
    ("np.sum(k)", "sum(k)"),
    ("np.count_nonzero(a > 0)", "count_nonzero(a > 0.0)"),
    ("np.arctan2(a, 2.0)", "arctan2(a, 2.0)"),
    ("np.arange(12).reshape(3, 4)[2]", "reshape(arange(12), 3, 4)[2]"),
    ("np.arange(12).reshape(-1, 6).shape", "reshape(arange(12), -1, 6).shape"),
    ("m.flatten()", "flatten(m)"),
    ("k + 1", "k + 1"),
    ("k * 2", "k * 2"),
    ("k / 2", "k / 2"),
    ("k ** 2", "k ** 2"),
    ("k % 2 == 0", "k % 2 == 0"),
    ("np.exp(1)", "exp(1)"),
    ("np.log(10)", "log(10)"),
]


def encode(x):
    x = np.asarray(x)
    kind = {"f": "f", "i": "i", "u": "i", "b": "b"}[x.dtype.kind]
    return {"kind": kind, "shape": list(x.shape), "values": [float(v) for v in x.ravel()]}


env = {"np": np}
for name, (py, _) in SETUP.items():
    env[name] = eval(py, env)
cases = []
for py, rhai in CASES:
    value = eval(py, env)
    cases.append({"numpy": py, "rhai": rhai, **encode(value)})

# Brian 2: Synapses variables indexed by source and target neurons.
G = NeuronGroup(5, "v : volt", threshold="v > 1*volt")
S = Synapses(G, G, "w : volt", on_pre="v += w")
S.connect(condition="i != j")
S.w = "(i*10 + j)*mV"
W = np.zeros((5, 5))
W[S.i[:], S.j[:]] = S.w[:] / mV
S.w[1, 3] = 100 * mV
synapses = [
    ("S.w[1, [0, 3]]", "S.w.at(1, [0, 3]) / mV", S.w[1, [0, 3]] / mV),
    ("S.j[2, :]", "S.j.at(2, 0..)", S.j[2, :]),
    ("S.w[:, 4]", "S.w.at(0.., 4) / mV", S.w[:, 4] / mV),
    ("S.w[1, :] after S.w[1, 3] = 100*mV", "S.w.at(1, 0..) / mV", S.w[1, :] / mV),
    ("W[S.i[:], S.j[:]] = S.w[:] (before the write)", "W", W),
    ("S.w['i > j']", "S.w[\"i > j\"] / mV", S.w["i > j"] / mV),
    ("S.j['i == 2']", "S.j[\"i == 2\"]", S.j["i == 2"]),
]
out = {
    "meta": meta(args.target),
    "setup": {k: v[1] for k, v in SETUP.items()},
    "cases": cases,
    "synapses": [{"brian2": b, "rhai": r, **encode(v)} for b, r, v in synapses],
}
write_json("numpy_arrays.json", out, args.out)
