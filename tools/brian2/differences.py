"""Brian 2's behaviour in the cases where the Rust port differed ("smaller" differences
of the issue "One network model"); tests/brian2_differences.rs checks the port against it.

Each case records whether Brian 2 refuses (``raises``, with the exception type and the
first line of its message) and, where it runs, the numbers it gives:

 syn_index_set: Synapses(G, G, 'w : 1') on 3 neurons, connect(), S.w[2] = 5, then
     S.w[10] = 5 (out of range).
 record_false: NeuronGroup(3, 'dv/dt = 1/ms : 1', threshold 'v > 1', reset 'v = 0',
     euler), v = [0, 0.5, 0.9], SpikeMonitor(G, record=False), run(3 ms): count,
     num_spikes, and what M.i, M.t, M.spike_trains() do; an unknown keyword (recrod).
 no_threshold: SpikeMonitor, PopulationRateMonitor, Synapses(on_pre) from, and
     Synapses(on_post) onto, a NeuronGroup without threshold.
 xi: bare xi in two equations; twice in one equation; xi_a shared by two equations
     (v and u, same equations and initial values: identical traces?), xi_a and xi_b.
 names: two NeuronGroups named 'g': creating them, running both (magic network), running
     each in its own Network; a group and a SpikeMonitor both named 'g'.

Re-run:  /work/venv-brian2/bin/python tools/brian2/differences.py [--target numpy|cython]
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor, Synapses,
    defaultclock, ms, run, second, start_scope,
)
import numpy as np  # noqa: E402

out = {"meta": meta(args.target, dt=float(defaultclock.dt / second))}


def outcome(f):
    """{'raises': False, 'value': ...} or {'raises': True, 'error': type, 'message': ...}."""
    try:
        v = f()
        return {"raises": False, "value": v}
    except Exception as e:  # noqa: BLE001 - recording what Brian 2 raises is the point
        text = str(e.args[0]) if isinstance(e, KeyError) else str(e)
        return {
            "raises": True,
            "error": type(e).__name__,
            "message": text.strip().splitlines()[0],
        }


# --- S.w[k] = x ------------------------------------------------------------------------
def syn_group():
    start_scope()
    G = NeuronGroup(3, "v : 1")
    S = Synapses(G, G, "w : 1")
    S.connect()
    return G, S


def syn_set():
    _, S = syn_group()
    S.w[2] = 5
    return floats(S.w[:])


def syn_set_out_of_range():
    _, S = syn_group()
    S.w[10] = 5


out["syn_index_set"] = outcome(syn_set)
out["syn_index_set_out_of_range"] = outcome(syn_set_out_of_range)


# --- SpikeMonitor(record=False) --------------------------------------------------------
def counting_group():
    G = NeuronGroup(3, "dv/dt = 1/ms : 1", threshold="v > 1", reset="v = 0",
                    method="euler")
    G.v = [0, 0.5, 0.9]
    return G


start_scope()
G = counting_group()
M = SpikeMonitor(G, record=False)
run(3 * ms)
out["record_false"] = {
    "count": [int(c) for c in M.count[:]],
    "num_spikes": int(M.num_spikes),
    "i": outcome(lambda: floats(M.i[:])),
    "t": outcome(lambda: floats(M.t[:])),
    "spike_trains": outcome(lambda: len(M.spike_trains())),
}
start_scope()
G = counting_group()
M = SpikeMonitor(G)
run(3 * ms)
out["record_true"] = {"count": [int(c) for c in M.count[:]], "i": floats(M.i[:]),
                      "t": floats(M.t[:] / second)}
out["unknown_keyword"] = outcome(lambda: SpikeMonitor(counting_group(), recrod=False))


# --- monitors and pathways of groups without threshold --------------------------------
def silent():
    start_scope()
    return NeuronGroup(3, "v : 1")


def synapses_on_pre():
    G = silent()
    H = NeuronGroup(3, "v : 1", threshold="v > 1")
    Synapses(G, H, on_pre="v += 1")


def synapses_on_post():
    G = silent()
    H = NeuronGroup(3, "v : 1", threshold="v > 1")
    Synapses(H, G, on_post="v += 1")


def synapses_model_only():
    G = silent()
    S = Synapses(G, G, "w : 1")
    S.connect()
    return len(S)


out["no_threshold"] = {
    "spike_monitor": outcome(lambda: SpikeMonitor(silent()) and None),
    "rate_monitor": outcome(lambda: PopulationRateMonitor(silent()) and None),
    "synapses_on_pre": outcome(synapses_on_pre),
    "synapses_on_post": outcome(synapses_on_post),
    "synapses_without_pathway": outcome(synapses_model_only),
}


# --- xi --------------------------------------------------------------------------------
def noisy(eqs, seed=3):
    start_scope()
    b2.seed(seed)
    G = NeuronGroup(1, eqs, method="euler")
    M = StateMonitor(G, True, record=0)
    run(1 * ms)
    return M


def xi_two():
    noisy("dv/dt = -v/ms + xi/sqrt(ms) : 1\ndu/dt = -u/ms + xi/sqrt(ms) : 1")


def xi_twice_one():
    noisy("dv/dt = -v/ms + xi/sqrt(ms) + 2*xi/sqrt(ms) : 1")
    return None


def shared_name(b):
    M = noisy(f"dv/dt = -v/ms + xi_a/sqrt(ms) : 1\ndu/dt = -u/ms + {b}/sqrt(ms) : 1")
    return bool(np.array_equal(M.v[0], M.u[0]))


out["xi"] = {
    "two_equations": outcome(xi_two),
    "twice_in_one_equation": outcome(xi_twice_one),
    "same_name_identical": outcome(lambda: shared_name("xi_a")),
    "different_names_identical": outcome(lambda: shared_name("xi_b")),
}


# --- duplicate names -------------------------------------------------------------------
# start_scope() and run() in the same function, the objects local to it: what the magic
# network collects.
def names_create():
    start_scope()
    a = NeuronGroup(1, "v : 1", name="g")
    b = NeuronGroup(1, "v : 1", name="g")
    return [a.name, b.name]


def names_run():
    start_scope()
    a = NeuronGroup(1, "v : 1", name="g")  # noqa: F841
    b = NeuronGroup(1, "v : 1", name="g")  # noqa: F841
    run(0.1 * ms)


def names_separate():
    start_scope()
    a = NeuronGroup(1, "v : 1", name="g")
    b = NeuronGroup(1, "v : 1", name="g")
    Network(a).run(0.1 * ms)
    Network(b).run(0.1 * ms)


def names_group_monitor():
    start_scope()
    G = NeuronGroup(1, "v : 1", threshold="v > 1", reset="", name="g")
    M = SpikeMonitor(G, name="g")  # noqa: F841
    run(0.1 * ms)


out["names"] = {
    "create": outcome(names_create),
    "run_both": outcome(names_run),
    "separate_networks": outcome(names_separate),
    "group_and_monitor": outcome(names_group_monitor),
}

write_json("differences.json", out, args.out)
