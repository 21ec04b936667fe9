"""Deterministic LIF neurons: spike times and ISIs for several constant drives.

Model (one NeuronGroup, one neuron per drive value I):
    dv/dt = (I - v)/tau : volt (unless refractory)
    I : volt (constant per neuron)
    tau = 10 ms, threshold 'v > 20*mV', reset 'v = 0*mV', refractory 2 ms,
    method 'exact' (Brian's default for this linear equation), dt = 0.1 ms,
    v(0) = 0, run 200 ms, I in {21, 25, 30, 40, 60, 100} mV.

Writes tests/data/lif_isi.json with, for each drive, the spike times [s],
the ISIs [s] and the closed-form prediction
    ISI_pred = (floor(T/dt) + refractory/dt) * dt,  T = tau*ln(I/(I - 20 mV))
together with a flag saying whether every ISI equals the prediction
(to 1e-12 s).  Also the time of the first spike, predicted as floor(T/dt)*dt.

Re-run:  /work/venv-brian2/bin/python tools/brian2/lif_isi.py [--target numpy|cython]
"""
import math

from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import NeuronGroup, SpikeMonitor, defaultclock, mV, ms, run, second, start_scope  # noqa: E402
import numpy as np  # noqa: E402

start_scope()
I_mV = [21, 25, 30, 40, 60, 100]
tau = 10 * ms
dt = 0.1 * ms
duration = 200 * ms
refractory = 2 * ms
defaultclock.dt = dt

G = NeuronGroup(
    len(I_mV),
    """dv/dt = (I - v)/tau : volt (unless refractory)
       I : volt (constant)""",
    threshold="v > 20*mV",
    reset="v = 0*mV",
    refractory=refractory,
    method="exact",
)
G.v = 0 * mV
G.I = np.array(I_mV) * mV
mon = SpikeMonitor(G)
run(duration)

trains = mon.spike_trains()
data = {
    "meta": meta(
        args.target,
        dt=float(dt / second),
        duration=float(duration / second),
        tau=float(tau / second),
        refractory=float(refractory / second),
        v_threshold=0.02,
        v_reset=0.0,
        v_init=0.0,
        method="exact",
        state_update_abstract_code=G.state_updater.abstract_code,
        threshold_abstract_code=G.thresholder["spike"].abstract_code,
    ),
    "I_values": [i * 1e-3 for i in I_mV],
}
summary = []
for idx, i_mv in enumerate(I_mV):
    st = np.asarray(trains[idx] / second)
    isi = np.diff(st)
    T = float(tau / second) * math.log(i_mv / (i_mv - 20.0))
    dts = float(dt / second)
    ref_steps = int(round(float(refractory / dt)))
    isi_pred = (math.floor(T / dts) + ref_steps) * dts
    first_pred = math.floor(T / dts) * dts
    isi_ok = bool(np.all(np.abs(isi - isi_pred) < 1e-12)) if len(isi) else None
    first_ok = bool(abs(st[0] - first_pred) < 1e-12) if len(st) else None
    key = f"I{i_mv}mV"
    data[f"{key}_spike_times"] = floats(st)
    data[f"{key}_isi"] = floats(isi)
    data[f"{key}_T_analytic"] = T
    data[f"{key}_isi_predicted"] = isi_pred
    data[f"{key}_isi_matches_prediction"] = isi_ok
    data[f"{key}_first_spike_predicted"] = first_pred
    data[f"{key}_first_spike_matches_prediction"] = first_ok
    data[f"{key}_n_spikes"] = int(len(st))
    summary.append((i_mv, len(st), st[0] if len(st) else None, np.unique(np.round(isi, 12)), isi_pred, isi_ok, first_ok))

write_json("lif_isi.json", data, args.out)
for row in summary:
    print(row)
