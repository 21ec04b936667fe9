"""Brian 2's text progress report (TextReport, network.py) and its time formatting
(_format_time), for tests/run_control_progress.rs: the lines TextReport writes for a
set of (elapsed wall seconds, completed fraction, start, duration) and the net.stop()
semantics of a run stopped from a network_operation after k steps (the network time is
the time reached, monitors hold k steps).

Re-run:  /work/venv-brian2/bin/python tools/brian2/run_report.py [--target numpy|cython]
"""
import io

from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import *  # noqa: E402,F401,F403
from brian2.core.network import TextReport, _format_time  # noqa: E402

out = {"meta": meta(args.target, dt=float(defaultclock.dt))}

cases = [
    (0.0, 0.0, 0.0, 2.0),
    (0.3, 0.32, 0.0, 2.0),
    (0.7, 0.7296, 0.0, 2.0),
    (12.5, 0.25, 0.0, 2.0),
    (125.0, 0.5, 1.5, 100.0),
    (4000.0, 0.1, 0.0, 10.0),
    (0.8, 1.0, 0.0, 2.0),
    (3.2, 1.0, 0.25, 0.05),
]
lines = []
for elapsed, completed, start, duration in cases:
    s = io.StringIO()
    TextReport(s)(elapsed * second, completed, start * second, duration * second)
    lines.append(s.getvalue().rstrip("\n"))
out["report_cases"] = [list(c) for c in cases]
out["report_lines"] = lines
walls = [0.0, 0.5, 1.0, 12.5, 59.9, 60.0, 123.0, 3600.0, 12345.0, 90061.0]
out["wall_seconds"] = walls
out["wall_text"] = [_format_time(w) for w in walls]

# net.stop() after k steps.
k = 250
G = NeuronGroup(3, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
M = StateMonitor(G, "v", record=True)
S = SpikeMonitor(G)
net = Network(G, M, S)
steps = [0]


@network_operation(when="end")
def stopper():
    steps[0] += 1
    if steps[0] == k:
        net.stop()


net.add(stopper)
net.run(1 * second)
out["stop_k"] = k
out["stop_t"] = float(net.t)
out["stop_monitor_len"] = len(M.t)
out["stop_spikes"] = int(S.num_spikes)
write_json("run_report.json", out)
