"""Brian 2's PopulationRateMonitor.smooth_rate, pinned for tests/smooth_rate.rs: window
sizes (a flat window rounded to the nearest odd number of steps, numpy's round-half-even;
a Gaussian cut at 2 standard deviations), the normalisation and the zero padding at both
ends, and an array of weights as the window. dt = 0.1 ms; a SpikeGeneratorGroup of 4
neurons fires at fixed steps over 3 ms. Keys: rate (Hz, per step) and one smoothed rate per
window, `flat_<width in us>`, `gauss_<width in us>`, `custom`.

Re-run:  /work/venv-brian2/bin/python tools/brian2/smooth_rate.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    Network, PopulationRateMonitor, SpikeGeneratorGroup, defaultclock, Hz, ms, second, us,
)
import numpy as np  # noqa: E402

defaultclock.dt = 0.1 * ms
out = {"meta": meta(args.target, dt=float(defaultclock.dt / second))}
indices = [0, 1, 2, 0, 3, 1, 0, 2, 3, 1]
steps = [2, 2, 5, 9, 9, 9, 14, 20, 21, 27]
out["indices"] = indices
out["steps"] = steps
G = SpikeGeneratorGroup(4, indices, [s * 0.1 for s in steps] * ms)
R = PopulationRateMonitor(G)
net = Network(G, R)
net.run(3 * ms)
out["rate"] = floats(R.rate / Hz)
for w in (300, 540, 250, 500, 100):
    out[f"flat_{w}"] = floats(R.smooth_rate(window="flat", width=w * us) / Hz)
for w in (150, 100, 225):
    out[f"gauss_{w}"] = floats(R.smooth_rate(window="gaussian", width=w * us) / Hz)
out["custom"] = floats(R.smooth_rate(window=np.array([1.0, 2.0, 3.0, 2.0, 1.0])) / Hz)
write_json("smooth_rate.json", out)
