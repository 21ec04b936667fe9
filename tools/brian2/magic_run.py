"""Brian 2's magic run(): which objects it runs and from what time.

Cases (dt = 0.1 ms, numpy target):
 (panel) A function builds 5 neurons 'dv/dt = (1.5 - v)/(10*ms) : 1' (exact), threshold
     'v > 1', reset 'v = 0', v = 'i*0.1', a SpikeMonitor, and calls run(50*ms); called
     twice. Each call gives the same spike count, first spike time and end time: the
     objects of the first call are not in the second call's frame, and new objects start
     the magic network afresh at t = 0. Keys panel_*.
 (mix) A group that has run plus a new group in the same frame: MagicError. Key
     mix_error (the message).
 (own_t) An explicit Network runs 3 ms; a function then runs a new group with run(1*ms)
     twice (each call starts at 0); the explicit network keeps its time and continues from
     it. Keys own_t_*.
 (unreachable) A function returns a SpikeMonitor of a group it made (threshold 'True',
     reset 'v = 0'); run(1*ms) at the caller's level: the monitor is included without its
     group, Brian 2 warns and sets it inactive, it records nothing. Keys unreachable_*.
 (other) An object run by an explicit Network, then collected by run(): RuntimeError.
     Key other_network_error.
 (lists) Objects only inside a list are not collected. Key collect_in_list.
 (explicit_missing) An explicit Network with a SpikeMonitor but not its group: error.
     Key explicit_missing_error.
 (empty) run(1*ms) in a frame holding no Brian object runs nothing and the time stays.
     Key empty_run_t.

Re-run:  /work/venv-brian2/bin/python tools/brian2/magic_run.py [--target numpy|cython]
"""
import logging

from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    MagicError, Network, NeuronGroup, SpikeMonitor, collect, defaultclock, ms, run, second,
    start_scope,
)

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=1e-4)}


def panel():
    G = NeuronGroup(5, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1",
                    reset="v = 0", method="exact")
    G.v = "i*0.1"
    M = SpikeMonitor(G)
    run(50 * ms)
    return int(M.num_spikes), float(M.t[0] / second), float(defaultclock.t / second)


first, second_call = panel(), panel()
out["panel_spikes"] = [first[0], second_call[0]]
out["panel_first_spike"] = [first[1], second_call[1]]
out["panel_end_t"] = [first[2], second_call[2]]


def mix():
    A = NeuronGroup(1, "v : 1")
    run(1 * ms)
    B = NeuronGroup(1, "v : 1")  # noqa: F841
    try:
        run(1 * ms)
    except MagicError as e:
        return str(e)
    return None


out["mix_error"] = mix()


def own_t():
    C = NeuronGroup(1, "v : 1")
    net = Network(C)
    net.run(3 * ms)

    def magic_part():
        D = NeuronGroup(1, "v : 1")  # noqa: F841
        run(1 * ms)
        return float(defaultclock.t / second)

    magic_ts = [magic_part(), magic_part()]
    net_t_between = float(net.t / second)
    net.run(1 * ms)
    return magic_ts, net_t_between, float(net.t / second)


m, between, after = own_t()
out["own_t_magic"] = m
out["own_t_net_between"] = between
out["own_t_net_after"] = after


def make_monitor():
    G = NeuronGroup(1, "v : 1", threshold="True", reset="v = 0")
    return SpikeMonitor(G)


def unreachable():
    M = make_monitor()
    warnings = []

    class Catch(logging.Handler):
        def emit(self, record):
            warnings.append(record.getMessage())

    h = Catch()
    logging.getLogger("brian2").addHandler(h)
    run(1 * ms)
    logging.getLogger("brian2").removeHandler(h)
    return int(M.num_spikes), bool(M.active), [w for w in warnings if "depends" in w]


n, active, warns = unreachable()
out["unreachable_spikes"] = n
out["unreachable_active"] = active
out["unreachable_warning"] = warns[0] if warns else None


def other_network():
    E = NeuronGroup(1, "v : 1")
    Network(E).run(1 * ms)
    try:
        run(1 * ms)
    except RuntimeError as e:
        return str(e)
    return None


out["other_network_error"] = other_network()


def lists():
    L = [NeuronGroup(1, "v : 1")]  # noqa: F841
    return len(collect())


out["collect_in_list"] = lists()


def explicit_missing():
    G = NeuronGroup(1, "v : 1", threshold="True", reset="v = 0")
    M = SpikeMonitor(G)
    try:
        Network(M).run(1 * ms)
    except Exception as e:  # wrapped by Brian 2 in a BrianObjectException
        return str(e)
    return None


out["explicit_missing_error"] = explicit_missing()


def empty():
    start_scope()
    run(1 * ms)
    return float(defaultclock.t / second)


out["empty_run_t"] = empty()
start_scope()
write_json("magic_run.json", out)
