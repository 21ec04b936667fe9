"""Brian 2's examples/advanced/custom_events.py: event counts, times and recorded values.

The example drives G with a PoissonGroup, so its counts depend on the seed (two seeds
give 5 vs 4 spikes, 37 vs 43 gspike events). Two things are written:

 * replay: the example run once with seed 2026 (its input spike times recorded), then
   again with a SpikeGeneratorGroup replaying those times in place of the PoissonGroup
   (asserted to give the same events). A port gets the same input and must give the
   same events: times and indices of 'spike', 'gspike' and 'end_gspike', v at the
   spikes (SpikeMonitor(G, 'v')), g at the gspike events (EventMonitor(G, 'gspike', 'g')),
   and H's x and y at the end.
 * spread: the example as written for seeds 1..N: per seed, the number of input spikes,
   G's spikes, gspike and end_gspike events (mean and standard deviation for a
   statistical check of the literal port, which draws its own Poisson spikes).

Re-run:  /work/venv-brian2/bin/python tools/brian2/custom_events.py
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    EventMonitor, Hz, Network, NeuronGroup, PoissonGroup, SpikeGeneratorGroup,
    SpikeMonitor, Synapses, defaultclock, ms, second, seed, start_scope,
)
import numpy as np  # noqa: E402

N_SEEDS = 30
out = {"meta": meta(args.target, dt=float(defaultclock.dt / second), n_seeds=N_SEEDS)}


def example(input_times=None):
    start_scope()
    if input_times is None:
        inp = PoissonGroup(1, rates=250 * Hz)
    else:
        inp = SpikeGeneratorGroup(1, np.zeros(len(input_times), dtype=int), input_times * second)
    eqs_G = '''
    dv/dt = (g-v)/(50*ms) : 1
    dg/dt = -g/(10*ms) : 1
    allow_gspike : boolean
    '''
    G = NeuronGroup(1, eqs_G, threshold='v>1',
                    reset='v = 0; g = 0; allow_gspike = True;',
                    events={'gspike': 'g>1 and allow_gspike',
                            'end_gspike': 'g<1 and not allow_gspike'})
    G.run_on_event('gspike', 'allow_gspike = False')
    G.run_on_event('end_gspike', 'allow_gspike = True')
    eqs_H = '''
    dx/dt = -x/(10*ms) : 1
    dy/dt = -y/(10*ms) : 1
    '''
    H = NeuronGroup(1, eqs_H)
    Sin = Synapses(inp, G, on_pre='g += 0.5')
    Sin.connect()
    S = Synapses(G, H,
                 on_pre={'pre': 'x += 1', 'gpath': 'y += 1'},
                 on_event={'pre': 'spike', 'gpath': 'gspike'})
    S.connect()
    Mgspike = EventMonitor(G, 'gspike', 'g')
    Mend = EventMonitor(G, 'end_gspike')
    Mspike = SpikeMonitor(G, 'v')
    Minp = SpikeMonitor(inp)
    G.allow_gspike = True
    net = Network(inp, G, H, Sin, S, Mgspike, Mend, Mspike, Minp)
    net.run(500 * ms)
    return {
        "input_t": floats(Minp.t / second),
        "spike_t": floats(Mspike.t / second),
        "spike_v": floats(Mspike.v),
        "gspike_t": floats(Mgspike.t / second),
        "gspike_g": floats(Mgspike.g),
        "end_gspike_t": floats(Mend.t / second),
        "H_x": float(H.x[0]),
        "H_y": float(H.y[0]),
    }


seed(2026)
first = example()
replay = example(np.array(first["input_t"]))
for k in first:
    assert np.allclose(first[k], replay[k], rtol=1e-12, atol=0), k
out["replay"] = replay

spread = []
for s in range(1, N_SEEDS + 1):
    seed(s)
    r = example()
    spread.append([len(r["input_t"]), len(r["spike_t"]), len(r["gspike_t"]), len(r["end_gspike_t"])])
a = np.array(spread, dtype=float)
out["spread_columns"] = ["input spikes", "spikes", "gspike", "end_gspike"]
out["spread"] = spread
out["spread_mean"] = floats(a.mean(axis=0))
out["spread_std"] = floats(a.std(axis=0, ddof=1))

write_json("custom_events.json", out, args.out)
