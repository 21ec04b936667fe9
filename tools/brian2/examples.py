"""Reference statistics for Brian 2's published examples (examples/*.py of brian2).

For each example a function ``ex_<name>(seed)`` re-creates the example's model and
run (same equations, parameters, connectivity, durations and monitors; plotting and
``report='text'`` dropped) and returns a few statistics.  Stochastic examples are run
for several seeds (``brian2.seed(s)``, s = 1..K), deterministic ones once.  Each
example writes tests/data/examples/<stem>.json:

    {"meta": {...}, "deterministic": bool,
     "stats": {key: {"describe", "python", "values", "mean", "sd", "min", "max"}}}

See tests/data/examples/README.md for the table of statistics.

Re-run:  /work/venv-brian2/bin/python tools/brian2/examples.py [--only NAME ...]
         [--seeds K] [--target numpy|cython]
(without --target each example uses its own default target, see TARGET below)
"""
import logging
import sys
import time as _time

import numpy as np

from common import meta, parse_args, setup_brian, write_json


def _extra(p):
    p.add_argument("--only", nargs="+", default=None, help="example names (file stems)")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default per example)")


args = parse_args(default_target=None, extra=_extra)
b2 = setup_brian(args.target or "numpy")
from brian2 import *  # noqa: E402,F401,F403
from brian2 import seed as b2seed  # noqa: E402


# --------------------------------------------------------------------------- helpers
class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.msgs = []

    def emit(self, record):
        msg = record.getMessage()
        if msg not in self.msgs:
            self.msgs.append(msg)


_collector = _Collector()
logging.getLogger("brian2").addHandler(_collector)
# objects of the examples without a run (state_variables, exprel_function, ...) are never
# included in a network; Brian warns about that when they are deleted: not interesting here.
BrianLogger.suppress_name("unused_brian_object")


class Stats:
    """Ordered collection of (key -> value, describe, python)."""

    def __init__(self):
        self.d = {}

    def __call__(self, key, value, describe, python):
        v = float(value)
        if not np.isfinite(v):
            raise ValueError(f"stat {key} is not finite: {v}")
        self.d[key] = (v, describe, python)


def new_scope(s, dt=0.1 * ms):
    start_scope()
    defaultclock.dt = dt
    b2seed(s)


def crossings(v, thr):
    """Number of upward crossings of thr in the 1-d trace v (v[k] <= thr < v[k+1])."""
    v = np.asarray(v)
    return int(np.sum((v[:-1] <= thr) & (v[1:] > thr)))


def vector_strength(t, f):
    t = np.asarray(t)
    return float(np.abs(np.mean(np.exp(2j * np.pi * f * t))))


def pooled_cv_isi(spike_trains):
    isis = [np.diff(np.asarray(st)) for st in spike_trains.values() if len(st) >= 2]
    isis = np.concatenate(isis)
    return float(np.std(isis) / np.mean(isis))


def fano_1ms(t, duration):
    """Variance/mean of the population spike count in 1 ms bins."""
    counts = np.bincount(np.floor(np.asarray(t) / 1e-3 + 1e-9).astype(int),
                         minlength=int(round(duration / 1e-3)))
    return float(np.var(counts) / np.mean(counts))


# --------------------------------------------------------------------------- examples
def ex_CUBA(_seed):
    new_scope(_seed)
    taum = 20*ms
    taue = 5*ms
    taui = 10*ms
    Vt = -50*mV
    Vr = -60*mV
    El = -49*mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                    method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0*mV
    P.gi = 0*mV
    we = (60*0.27/10)*mV
    wi = (-20*4.5/10)*mV
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    Ce.connect('i<3200', p=0.02)
    Ci.connect('i>=3200', p=0.02)
    s_mon = SpikeMonitor(P)
    run(1 * second)

    st = Stats()
    c = s_mon.count[:]
    st("rate_Hz", s_mon.num_spikes / 4000 / 1.0,
       "mean firing rate of all 4000 neurons over the 1 s run (SpikeMonitor s_mon)",
       "s_mon.num_spikes / (4000 * 1*second)")
    st("rate_exc_Hz", c[:3200].sum() / 3200 / 1.0,
       "mean firing rate of the excitatory neurons 0..3199",
       "sum(s_mon.count[:3200]) / (3200 * 1*second)")
    st("rate_inh_Hz", c[3200:].sum() / 800 / 1.0,
       "mean firing rate of the inhibitory neurons 3200..3999",
       "sum(s_mon.count[3200:]) / (800 * 1*second)")
    st("n_syn_exc", len(Ce), "number of excitatory synapses created", "len(Ce)")
    st("n_syn_inh", len(Ci), "number of inhibitory synapses created", "len(Ci)")
    return st


def ex_COBAHH(_seed):
    new_scope(_seed)
    area = 20000*umetre**2
    Cm = (1*ufarad*cm**-2) * area
    gl = (5e-5*siemens*cm**-2) * area
    El = -60*mV
    EK = -90*mV
    ENa = 50*mV
    g_na = (100*msiemens*cm**-2) * area
    g_kd = (30*msiemens*cm**-2) * area
    VT = -63*mV
    taue = 5*ms
    taui = 10*ms
    Ee = 0*mV
    Ei = -80*mV
    we = 6*nS
    wi = 67*nS
    eqs = Equations('''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
             g_na*(m*m*m)*h*(v-ENa)-
             g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    ''')
    P = NeuronGroup(4000, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                    method='exponential_euler')
    Pe = P[:3200]
    Pi = P[3200:]
    Ce = Synapses(Pe, P, on_pre='ge+=we')
    Ci = Synapses(Pi, P, on_pre='gi+=wi')
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = 'El + (randn() * 5 - 5)*mV'
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
    trace = StateMonitor(P, 'v', record=[1, 10, 100])
    spikes = SpikeMonitor(P)  # added (not in the example): for the population rate
    run(1 * second)

    st = Stats()
    v = trace.v / mV
    st("rate_Hz", spikes.num_spikes / 4000 / 1.0,
       "mean firing rate of all 4000 neurons over 1 s; from a SpikeMonitor(P) added to the example "
       "(threshold v>-20*mV, refractory 3 ms)",
       "spikes.num_spikes / (4000 * 1*second)  # spikes = SpikeMonitor(P)")
    st("trace_n_crossings", np.sum([crossings(v[k], -20.0) for k in range(3)]),
       "total number of upward crossings of -20 mV in the recorded v traces of neurons 1, 10, 100",
       "sum(sum((v[:-1] <= -20*mV) & (v[1:] > -20*mV)) for v in trace.v)")
    st("trace_v_mean_mV", v.mean(),
       "mean of trace.v over all recorded time steps and the 3 recorded neurons (1, 10, 100)",
       "mean(trace.v) / mV")
    st("n_syn_exc", len(Ce), "number of synapses Pe -> P", "len(Ce)")
    st("n_syn_inh", len(Ci), "number of synapses Pi -> P", "len(Ci)")
    return st


def ex_IF_curve_LIF(_seed):
    new_scope(_seed)
    n = 1000
    duration = 1*second
    tau = 10*ms
    eqs = '''
    dv/dt = (v0 - v) / tau : volt (unless refractory)
    v0 : volt
    '''
    group = NeuronGroup(n, eqs, threshold='v > 10*mV', reset='v = 0*mV',
                        refractory=5*ms, method='exact')
    group.v = 0*mV
    group.v0 = '20*mV * i / (n-1)'
    monitor = SpikeMonitor(group)
    run(duration)

    st = Stats()
    c = monitor.count[:]
    st("n_spikes", monitor.num_spikes, "total number of spikes of the 1000 neurons in 1 s",
       "monitor.num_spikes")
    st("n_firing", np.sum(c > 0), "number of neurons with at least one spike",
       "sum(monitor.count > 0)")
    st("first_firing_index", np.nonzero(c > 0)[0][0],
       "smallest neuron index with at least one spike (the rheobase of the IF curve)",
       "min(nonzero(monitor.count)[0])")
    for k in (999, 750, 550):
        st(f"rate_{k}_Hz", c[k] / 1.0,
           f"firing rate of neuron {k} (v0 = {20*k/999:.4f} mV), the IF curve's y value",
           f"monitor.count[{k}] / duration")
    return st


def ex_IF_curve_Hodgkin_Huxley(_seed):
    new_scope(_seed)
    num_neurons = 100
    duration = 2*second
    area = 20000*umetre**2
    Cm = 1*ufarad*cm**-2 * area
    gl = 5e-5*siemens*cm**-2 * area
    El = -65*mV
    EK = -90*mV
    ENa = 50*mV
    g_na = 100*msiemens*cm**-2 * area
    g_kd = 30*msiemens*cm**-2 * area
    VT = -63*mV
    eqs = Equations('''
    dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
    dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
    dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
    dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
    I : amp
    ''')
    group = NeuronGroup(num_neurons, eqs,
                        threshold='v > -40*mV',
                        refractory='v > -40*mV',
                        method='exponential_euler')
    group.v = El
    group.I = '0.7*nA * i / num_neurons'
    monitor = SpikeMonitor(group)
    run(duration)

    st = Stats()
    c = monitor.count[:]
    st("n_spikes", monitor.num_spikes, "total number of spikes of the 100 neurons in 2 s",
       "monitor.num_spikes")
    st("n_firing", np.sum(c > 0), "number of neurons with at least one spike",
       "sum(monitor.count > 0)")
    st("first_firing_index", np.nonzero(c > 0)[0][0],
       "smallest neuron index with at least one spike",
       "min(nonzero(monitor.count)[0])")
    for k in (99, 50):
        st(f"rate_{k}_Hz", c[k] / 2.0,
           f"firing rate of neuron {k} (I = {0.7*k/100:.3f} nA), the IF curve's y value",
           f"monitor.count[{k}] / duration")
    return st


def ex_adaptive_threshold(_seed):
    new_scope(_seed)
    eqs = '''
    dv/dt = -v/(10*ms) : volt
    dvt/dt = (10*mV-vt)/(15*ms) : volt
    '''
    reset = '''
    v = 0*mV
    vt += 3*mV
    '''
    IF = NeuronGroup(1, model=eqs, reset=reset, threshold='v>vt', method='exact')
    IF.vt = 10*mV
    PG = PoissonGroup(1, 500 * Hz)
    C = Synapses(PG, IF, on_pre='v += 3*mV')
    C.connect()
    Mv = StateMonitor(IF, 'v', record=True)
    Mvt = StateMonitor(IF, 'vt', record=True)
    M_crossings = SpikeMonitor(IF, variables='v')
    run(2*second)

    st = Stats()
    st("n_spikes", M_crossings.num_spikes, "number of spikes of IF in 2 s",
       "M_crossings.num_spikes")
    st("v_at_crossing_mean_mV", np.mean(M_crossings.v / mV),
       "mean of v at the threshold crossings (recorded by the SpikeMonitor, before the reset)",
       "mean(M_crossings.v) / mV")
    st("vt_mean_mV", np.mean(Mvt[0].vt / mV), "time average of the threshold vt (Mvt)",
       "mean(Mvt[0].vt) / mV")
    st("v_mean_mV", np.mean(Mv[0].v / mV), "time average of v (Mv)", "mean(Mv[0].v) / mV")
    return st


def ex_non_reliability(_seed):
    new_scope(_seed)
    N = 25
    tau = 20*ms
    sigma = .015
    eqs_neurons = '''
    dx/dt = (1.1 - x) / tau + sigma * (2 / tau)**.5 * xi : 1 (unless refractory)
    '''
    neurons = NeuronGroup(N, model=eqs_neurons, threshold='x > 1', reset='x = 0',
                          refractory=5*ms, method='euler')
    spikes = SpikeMonitor(neurons)
    run(500*ms)

    st = Stats()
    t = spikes.t / second
    st("rate_Hz", spikes.num_spikes / N / 0.5, "mean firing rate of the 25 neurons over 500 ms",
       "spikes.num_spikes / (N * 500*ms)")
    first = [np.min(v / second) for v in spikes.spike_trains().values() if len(v)]
    st("first_spike_mean_ms", 1e3 * np.mean(first),
       "mean over neurons (that spike) of the time of the first spike",
       "mean([min(st) for st in spikes.spike_trains().values() if len(st)]) / ms")
    st("cv_isi_pooled", pooled_cv_isi({k: v / second for k, v in spikes.spike_trains().items()}),
       "std/mean (ddof=0) of all interspike intervals of all neurons pooled",
       "isi = concatenate([diff(st) for st in spikes.spike_trains().values()]); std(isi)/mean(isi)")
    st("fano_1ms", fano_1ms(t, 0.5),
       "variance/mean of the population spike count in 500 bins of 1 ms (synchrony across "
       "the 25 trials; 1 for independent Poisson-like firing)",
       "c = bincount(int_(spikes.t/ms), minlength=500); var(c)/mean(c)")
    return st


def ex_reliability(_seed):
    new_scope(_seed)
    N = 25
    tau_input = 5*ms
    neuron_input = NeuronGroup(1, 'dx/dt = -x / tau_input + (2 /tau_input)**.5 * xi : 1')
    tau = 10*ms
    sigma = .015
    eqs_neurons = '''
    dx/dt = (0.9 + .5 * I - x) / tau + sigma * (2 / tau)**.5 * xi : 1
    I : 1 (linked)
    '''
    neurons = NeuronGroup(N, model=eqs_neurons, threshold='x > 1',
                          reset='x = 0', refractory=5*ms, method='euler')
    neurons.x = 'rand()'
    neurons.I = linked_var(neuron_input, 'x')
    spikes = SpikeMonitor(neurons)
    run(500*ms)

    st = Stats()
    t = spikes.t / second
    st("rate_Hz", spikes.num_spikes / N / 0.5, "mean firing rate of the 25 neurons over 500 ms",
       "spikes.num_spikes / (N * 500*ms)")
    st("cv_isi_pooled", pooled_cv_isi({k: v / second for k, v in spikes.spike_trains().items()}),
       "std/mean (ddof=0) of all interspike intervals of all neurons pooled",
       "isi = concatenate([diff(st) for st in spikes.spike_trains().values()]); std(isi)/mean(isi)")
    st("fano_1ms", fano_1ms(t, 0.5),
       "variance/mean of the population spike count in 500 bins of 1 ms (high = reliable, "
       "spikes aligned across the 25 trials by the common input)",
       "c = bincount(int_(spikes.t/ms), minlength=500); var(c)/mean(c)")
    return st


def ex_phase_locking(_seed):
    new_scope(_seed)
    tau = 20*ms
    n = 100
    b = 1.2
    freq = 10*Hz
    eqs = '''
    dv/dt = (-v + a * sin(2 * pi * freq * t) + b) / tau : 1
    a : 1
    '''
    neurons = NeuronGroup(n, model=eqs, threshold='v > 1', reset='v = 0', method='euler')
    neurons.v = 'rand()'
    neurons.a = '0.05 + 0.7*i/n'
    S = SpikeMonitor(neurons)
    trace = StateMonitor(neurons, 'v', record=50)
    run(1000*ms)

    st = Stats()
    t = S.t / second
    st("rate_Hz", S.num_spikes / n / 1.0, "mean firing rate of the 100 neurons over 1 s",
       "S.num_spikes / (n * 1*second)")
    st("vector_strength_late", vector_strength(t[t >= 0.5], 10.0),
       "phase locking to the 10 Hz input: |mean(exp(2*pi*1j*freq*t))| over all spikes with t >= 500 ms",
       "abs(mean(exp(2j*pi*10*S.t[S.t >= 500*ms]/second)))")
    st("count_99", S.count[99], "spike count of neuron 99 (a = 0.743)", "S.count[99]")
    st("trace_v_mean", np.mean(trace[50].v), "time average of v of neuron 50 (StateMonitor trace)",
       "mean(trace[50].v)")
    return st


def ex_coupled_oscillators(_seed):
    new_scope(_seed, dt=1*ms)
    N = 100

    def run_sim(K, random_seed):
        b2seed(random_seed)
        eqs = '''
        dTheta/dt = omega + K/N*coupling : radian
        omega : radian/second (constant) # intrinsic frequency
        coupling : 1
        '''
        oscillators = NeuronGroup(N, eqs, method='euler')
        oscillators.Theta = 'rand()*2*pi'
        oscillators.omega = 'clip(0.5 + randn()*0.5, 0, inf)*radian/second'
        connections = Synapses(oscillators, oscillators,
                               'coupling_post = sin(Theta_pre - Theta_post) : 1 (summed)')
        connections.connect()
        mon = StateMonitor(oscillators, 'Theta', record=True)
        run(10*second)
        return mon.Theta[:]

    st = Stats()
    for K in [0, 1, 2, 4]:
        start_scope()
        Theta = np.asarray(run_sim(K/second, _seed))
        x, y = np.cos(Theta), np.sin(Theta)
        r = np.sqrt(np.sum(x, axis=0)**2 + np.sum(y, axis=0)**2) / N  # per time step
        st(f"K{K}_r_final", r[-1],
           f"K={K}/second: phase coherence r = |sum(exp(1j*Theta))|/N of the last recorded step "
           "(t = 9.999 s), as in the example's calc_coherence_and_phase",
           "Th = mon.Theta[:, -1]; sqrt(sum(cos(Th))**2 + sum(sin(Th))**2)/N")
        st(f"K{K}_r_mean_last_5s", r[5000:].mean(),
           f"K={K}/second: phase coherence r averaged over the recorded steps with t >= 5 s",
           "mean(r[5000:]) with r computed per time step from mon.Theta")
    return st


def ex_synapses(_seed):
    new_scope(_seed)
    G1 = NeuronGroup(10, 'dv/dt = -v / (10*ms) : 1',
                     threshold='v > 1', reset='v=0.', method='exact')
    G1.v = 1.2
    G2 = NeuronGroup(10, 'dv/dt = -v / (10*ms) : 1',
                     threshold='v > 1', reset='v=0', method='exact')
    syn = Synapses(G1, G2, 'dw/dt = -w / (50*ms): 1 (event-driven)', on_pre='v += w')
    syn.connect('i == j', p=0.75)
    syn.delay = '1*ms + i*ms + 0.25*ms * randn()'
    syn.w = 1
    mon = StateMonitor(G2, 'v', record=True)
    run(20*ms)

    st = Stats()
    st("n_synapses", len(syn), "number of synapses (i == j, p = 0.75)", "len(syn)")
    st("delay_mean_ms", np.mean(syn.delay / ms), "mean synaptic delay", "mean(syn.delay) / ms")
    st("v_final_mean", np.mean(mon.v[:, -1]),
       "mean over the 10 G2 neurons of v at the last recorded step (t = 19.9 ms)",
       "mean(mon.v[:, -1])")
    st("v_mean", np.mean(mon.v), "mean of mon.v over all neurons and time steps", "mean(mon.v)")
    return st


def ex_state_variables(_seed):
    new_scope(_seed)
    G = NeuronGroup(100, 'v:volt', threshold='v>-50*mV')
    G.v = '(sin(2*pi*i/N) - 70 + 0.25*randn()) * mV'
    S = Synapses(G, G, 'w : volt', on_pre='v += w')
    S.connect()
    space_constant = 200.0
    S.w['i > j'] = 'exp(-(i - j)**2/space_constant) * mV'
    w_matrix = np.zeros((len(G), len(G)))
    w_matrix[S.i[:], S.j[:]] = S.w[:]

    st = Stats()
    st("v_mean_mV", np.mean(G.v / mV), "mean of G.v after the string initialisation (no run)",
       "mean(G.v) / mV")
    st("v_resid_sd_mV", np.std(G.v / mV - (np.sin(2*np.pi*np.arange(100)/100) - 70), ddof=1),
       "sample sd of G.v minus its deterministic part sin(2*pi*i/N)-70 mV (the 0.25*randn() mV noise)",
       "std(G.v/mV - (sin(2*pi*arange(100)/100) - 70), ddof=1)")
    st("n_synapses", len(S), "number of synapses (all-to-all)", "len(S)")
    st("w_sum_mV", np.sum(S.w / mV), "sum of all weights (w = 0 where i <= j)", "sum(S.w) / mV")
    st("w_matrix_nonzero", np.count_nonzero(w_matrix), "number of nonzero entries of w_matrix",
       "count_nonzero(w_matrix)")
    return st


def ex_gapjunctions(_seed):
    new_scope(_seed)
    n = 10
    v0 = 1.05
    tau = 10*ms
    eqs = '''
    dv/dt = (v0 - v + Igap) / tau : 1
    Igap : 1 # gap junction current
    '''
    neurons = NeuronGroup(n, eqs, threshold='v > 1', reset='v = 0', method='exact')
    neurons.v = 'i * 1.0 / (n-1)'
    trace = StateMonitor(neurons, 'v', record=[0, 5])
    S = Synapses(neurons, neurons, '''
                 w : 1 # gap junction conductance
                 Igap_post = w * (v_pre - v_post) : 1 (summed)
                 ''')
    S.connect()
    S.w = .02
    run(500*ms)

    st = Stats()
    for k in (0, 5):
        v = trace[k].v
        resets = np.nonzero(np.diff(v) < -0.5)[0]
        st(f"n_resets_{k}", len(resets),
           f"number of spikes of neuron {k} seen in the trace: steps where trace[{k}].v drops by more than 0.5",
           f"sum(diff(trace[{k}].v) < -0.5)")
        st(f"first_reset_{k}_ms", trace.t[resets[0] + 1] / ms,
           f"time of the first recorded sample after neuron {k}'s first reset",
           f"trace.t[nonzero(diff(trace[{k}].v) < -0.5)[0][0] + 1] / ms")
        st(f"v_mean_{k}", np.mean(v), f"time average of trace[{k}].v", f"mean(trace[{k}].v)")
    st("v_final_mean", np.mean(neurons.v[:]), "mean of neurons.v at the end of the run",
       "mean(neurons.v)")
    return st


def ex_nonlinear(_seed):
    new_scope(_seed)
    a = 1 / (10*ms)
    b = 1 / (10*ms)
    c = 1 / (10*ms)
    neuron_input = NeuronGroup(2, 'dv/dt = 1/(10*ms) : 1', threshold='v>1', reset='v = 0',
                               method='euler')
    neurons = NeuronGroup(1, """dv/dt = (g-v)/(10*ms) : 1
                                g : 1""", method='exact')
    S = Synapses(neuron_input, neurons, '''
                    dg_syn/dt = -a*g_syn+b*x*(1-g_syn) : 1 (clock-driven)
                    g_post = g_syn : 1 (summed)
                    dx/dt=-c*x : 1 (clock-driven)
                    w : 1 # synaptic weight
                 ''', on_pre='x += w')
    S.connect()
    S.w = [1., 10.]
    neuron_input.v = [0., 0.5]
    M = StateMonitor(S, 'g', record=np.arange(len(neuron_input)*len(neurons)))
    Mn = StateMonitor(neurons, 'g', record=0)
    run(1000*ms)

    st = Stats()
    st("M_g_max", np.max(M.g[0]),
       "maximum of M.g[0]; note: 'g' recorded from S is the post-synaptic g (the summed "
       "g_syn of both synapses), so M.g[0] == M.g[1] == Mn[0].g",
       "max(M.g[0])")
    for k in (0, 1):
        st(f"g_syn_final_{k}", S.g_syn[k], f"g_syn of synapse {k} (w = {[1, 10][k]}) at the end",
           f"S.g_syn[{k}]")
        st(f"x_final_{k}", S.x[k], f"x of synapse {k} at the end", f"S.x[{k}]")
    st("g_post_mean", np.mean(Mn[0].g), "time average of the neuron's summed g (Mn)",
       "mean(Mn[0].g)")
    st("v_final", neurons.v[0], "neurons.v at the end of the run", "neurons.v[0]")
    return st


def ex_licklider(_seed):
    new_scope(_seed, dt=.02*ms)
    max_delay = 20*ms
    tau_ear = 1*ms
    sigma_ear = 0.0
    eqs_ear = '''
    dx/dt = (sound-x)/tau_ear+0.1*(2./tau_ear)**.5*xi : 1 (unless refractory)
    sound = 5*sin(2*pi*frequency*t)**3 : 1 # nonlinear distortion
    frequency = (200+200*t*Hz)*Hz : Hz # increasing pitch
    '''
    receptors = NeuronGroup(2, eqs_ear, threshold='x>1', reset='x=0',
                            refractory=2*ms, method='euler')
    min_freq = 50*Hz
    max_freq = 1000*Hz
    num_neurons = 300
    tau = 1*ms
    sigma = .1
    eqs_neurons = '''
    dv/dt = -v/tau+sigma*(2./tau)**.5*xi : 1
    '''
    neurons = NeuronGroup(num_neurons, eqs_neurons, threshold='v>1', reset='v=0',
                          method='euler')
    synapses = Synapses(receptors, neurons, on_pre='v += 0.5')
    synapses.connect()
    synapses.delay = 'i*1.0/exp(log(min_freq/Hz)+(j*1.0/(num_neurons-1))*log(max_freq/min_freq))*second'
    spikes = SpikeMonitor(neurons)
    run(500*ms)

    st = Stats()
    i = np.asarray(spikes.i[:])
    t = spikes.t / second
    st("rate_Hz", spikes.num_spikes / num_neurons / 0.5,
       "mean firing rate of the 300 coincidence detectors over 500 ms",
       "spikes.num_spikes / (num_neurons * 500*ms)")
    st("mean_index_first_half", np.mean(i[t < 0.25]),
       "mean neuron index of the spikes with t < 250 ms (tracks the pitch 200..250 Hz)",
       "mean(spikes.i[spikes.t < 250*ms])")
    st("mean_index_second_half", np.mean(i[t >= 0.25]),
       "mean neuron index of the spikes with t >= 250 ms (pitch 250..300 Hz)",
       "mean(spikes.i[spikes.t >= 250*ms])")
    st("delay_1_299_ms", synapses.delay[1, 299][0] / ms,
       "delay of the synapse receptor 1 -> neuron 299 (1/max_freq; deterministic)",
       "synapses.delay[1, 299] / ms")
    return st


def ex_jeffress(_seed):
    new_scope(_seed, dt=.02*ms)
    sound = TimedArray(10 * randn(50000), dt=defaultclock.dt)
    sound_speed = 300*metre/second
    interaural_distance = 20*cm
    max_delay = interaural_distance / sound_speed
    angular_speed = 2 * pi / second
    tau_ear = 1*ms
    sigma_ear = .1
    eqs_ears = '''
    dx/dt = (sound(t-delay)-x)/tau_ear+sigma_ear*(2./tau_ear)**.5*xi : 1 (unless refractory)
    delay = distance*sin(theta) : second
    distance : second # distance to the centre of the head in time units
    dtheta/dt = angular_speed : radian
    '''
    ears = NeuronGroup(2, eqs_ears, threshold='x>1', reset='x = 0',
                       refractory=2.5*ms, name='ears', method='euler')
    ears.distance = [-.5 * max_delay, .5 * max_delay]
    traces = StateMonitor(ears, 'delay', record=True)
    num_neurons = 30
    tau = 1*ms
    sigma = .1
    eqs_neurons = '''
    dv/dt = -v / tau + sigma * (2 / tau)**.5 * xi : 1
    '''
    neurons = NeuronGroup(num_neurons, eqs_neurons, threshold='v>1',
                          reset='v = 0', name='neurons', method='euler')
    synapses = Synapses(ears, neurons, on_pre='v += .5')
    synapses.connect()
    synapses.delay['i==0'] = '(1.0*j)/(num_neurons-1)*1.1*max_delay'
    synapses.delay['i==1'] = '(1.0*(num_neurons-j-1))/(num_neurons-1)*1.1*max_delay'
    spikes = SpikeMonitor(neurons)
    run(1000*ms)

    st = Stats()
    i, t = spikes.it
    i = np.asarray(i)
    t = np.asarray(t / second)
    st("rate_Hz", spikes.num_spikes / num_neurons / 1.0,
       "mean firing rate of the 30 coincidence detectors over 1 s",
       "spikes.num_spikes / (num_neurons * 1*second)")
    st("corr_index_sin_theta", np.corrcoef(i, np.sin(2*np.pi*t))[0, 1],
       "Pearson correlation over all spikes between the neuron index and sin(theta) = "
       "sin(2*pi*t/second) (the place code follows the interaural delay)",
       "corrcoef(spikes.i, sin(2*pi*spikes.t/second))[0, 1]")
    st("trace_delay_max_ms", np.max(traces.delay / ms),
       "maximum of the recorded input delays of both ears (deterministic, ~ max_delay/2)",
       "max(traces.delay) / ms")
    return st


def ex_STDP(_seed):
    new_scope(_seed)
    N = 1000
    taum = 10*ms
    taupre = 20*ms
    taupost = taupre
    Ee = 0*mV
    vt = -54*mV
    vr = -60*mV
    El = -74*mV
    taue = 5*ms
    F = 15*Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = '''
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold='v>vt', reset='v = vr', method='euler')
    S = Synapses(poisson_input, neurons,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                         w = clip(w + Apre, 0, gmax)''',
                 )
    S.connect()
    S.w = 'rand() * gmax'
    mon = StateMonitor(S, 'w', record=[0, 1])
    s_mon = SpikeMonitor(poisson_input)
    run(100*second)

    st = Stats()
    w = S.w[:] / gmax
    st("w_mean_over_gmax", np.mean(w), "mean final weight / gmax over the 1000 synapses",
       "mean(S.w / gmax)")
    st("frac_w_above_0.9", np.mean(w > 0.9), "fraction of final weights > 0.9*gmax",
       "mean(S.w / gmax > 0.9)")
    st("frac_w_below_0.1", np.mean(w < 0.1), "fraction of final weights < 0.1*gmax",
       "mean(S.w / gmax < 0.1)")
    st("input_rate_Hz", s_mon.num_spikes / N / 100.0,
       "mean rate of the 1000 Poisson inputs (s_mon), should be ~15 Hz",
       "s_mon.num_spikes / (N * 100*second)")
    st("mon_w_mean_over_gmax", np.mean(mon.w / gmax),
       "time average of the recorded weights of synapses 0 and 1 / gmax (mon)",
       "mean(mon.w / gmax)")
    return st


def ex_spatial_connections(_seed):
    new_scope(_seed)
    rows, cols = 20, 20
    G = NeuronGroup(rows * cols, '''x : meter
                                    y : meter''')
    grid_dist = 25*umeter
    G.x = '(i // rows) * grid_dist - rows/2.0 * grid_dist'
    G.y = '(i % rows) * grid_dist - cols/2.0 * grid_dist'
    distance = 120*umeter
    S_deterministic = Synapses(G, G)
    S_deterministic.connect('sqrt((x_pre - x_post)**2 + (y_pre - y_post)**2) < distance')
    S_stochastic = Synapses(G, G)
    S_stochastic.connect('i != j',
                         p='1.5 * exp(-((x_pre-x_post)**2 + (y_pre-y_post)**2)/(2*(60*umeter)**2))')

    st = Stats()
    st("n_syn_deterministic", len(S_deterministic),
       "number of synapses with distance < 120 um (incl. i == j; deterministic)",
       "len(S_deterministic)")
    st("n_syn_stochastic", len(S_stochastic), "number of synapses of the random Gaussian rule",
       "len(S_stochastic)")
    xi, yi = G.x[S_stochastic.i[:]], G.y[S_stochastic.i[:]]
    xj, yj = G.x[S_stochastic.j[:]], G.y[S_stochastic.j[:]]
    st("stochastic_mean_dist_um", np.mean(np.sqrt((xi - xj)**2 + (yi - yj)**2) / umeter),
       "mean pre-post distance of the random synapses",
       "mean(sqrt((G.x[S_stochastic.i]-G.x[S_stochastic.j])**2 + (G.y[...i]-G.y[...j])**2)) / umeter")
    return st


def ex_continuous_interaction(_seed):
    new_scope(_seed)
    I_e = 1.5*uA
    simulation_time = 100*ms
    El = -67 * mV
    EK = -100 * mV
    ENa = 50 * mV
    ESyn = 0 * mV
    gl = 0.1 * msiemens
    gK = 80 * msiemens
    gNa = 100 * msiemens
    C = 1 * ufarad
    weight = 0.25
    gSyn = 1.0 * msiemens
    tau_d = 2 * ms
    tau_r = 0.2 * ms
    eqs = """
    alphah = 0.128 * exp(-(vm + 50.0*mV) / (18.0*mV))/ms :Hz
    alpham = 0.32/mV * (vm + 54*mV) / (1.0 - exp(-(vm + 54.0*mV) / (4.0*mV)))/ms:Hz
    alphan = 0.032/mV * (vm + 52*mV) / (1.0 - exp(-(vm + 52.0*mV) / (5.0*mV)))/ms:Hz

    betah  = 4.0 / (1.0 + exp(-(vm + 27.0*mV) / (5.0*mV)))/ms:Hz
    betam  = 0.28/mV * (vm + 27.0*mV) / (exp((vm + 27.0*mV) / (5.0*mV)) - 1.0)/ms:Hz
    betan  = 0.5 * exp(-(vm + 57.0*mV) / (40.0*mV))/ms:Hz

    membrane_Im = I_ext + gNa*m**3*h*(ENa-vm) +
                  gl*(El-vm) + gK*n**4*(EK-vm) + gSyn*s_in*(-vm): amp
    I_ext : amp
    s_in  : 1

    dm/dt = alpham*(1-m)-betam*m : 1
    dn/dt = alphan*(1-n)-betan*n : 1
    dh/dt = alphah*(1-h)-betah*h : 1

    ds/dt = 0.5 * (1 + tanh(0.1*vm/mV)) * (1-s)/tau_r - s/tau_d : 1

    dvm/dt = membrane_Im/C : volt
    """
    neuron = NeuronGroup(2, eqs, method="exponential_euler")
    neuron.vm = [-70.0, -65.0]*mV
    neuron.m = "alpham / (alpham + betam)"
    neuron.h = "alphah / (alphah + betah)"
    neuron.n = "alphan / (alphan + betan)"
    neuron.I_ext = [I_e, 0.0*uA]
    S = Synapses(neuron, neuron, 's_in_post = weight*s_pre:1 (summed)')
    S.connect(i=0, j=1)
    st_mon = StateMonitor(neuron, ["vm", "s", "s_in"], record=[0, 1])
    run(simulation_time)

    st = Stats()
    for k in (0, 1):
        vm = st_mon.vm[k] / mV
        idx = np.nonzero((vm[:-1] <= 0) & (vm[1:] > 0))[0]
        st(f"n_spikes_{k}", len(idx), f"number of upward crossings of 0 mV in st_mon.vm[{k}]",
           f"sum((st_mon.vm[{k}][:-1] <= 0*mV) & (st_mon.vm[{k}][1:] > 0*mV))")
        st(f"first_spike_{k}_ms", st_mon.t[idx[0] + 1] / ms,
           f"time of the first recorded sample above 0 mV of neuron {k}",
           f"st_mon.t[first k with vm[{k}][k] <= 0 < vm[{k}][k+1]] + dt, in ms")
    st("s_in_1_max", np.max(st_mon.s_in[1]), "maximum of s_in of neuron 1 (= 0.25*s of neuron 0)",
       "max(st_mon.s_in[1])")
    st("vm_1_final_mV", st_mon.vm[1][-1] / mV, "last recorded vm of neuron 1 (t = 99.99 ms)",
       "st_mon.vm[1][-1] / mV")
    return st


def ex_spike_based_homeostasis(_seed):
    new_scope(_seed)
    steady_stimulus = TimedArray([50]*Hz, dt=40*second)
    steady_poisson = PoissonGroup(1, rates='steady_stimulus(t)')
    varying_stimulus = TimedArray([25*Hz, 50*Hz, 0*Hz, 35*Hz, 0*Hz], dt=10*second)
    varying_poisson = PoissonGroup(1, rates='varying_stimulus(t)')
    parameters = {
        'tau': 10*ms,
        'dw_plus': 0.05,
        'dw_minus': 0.05,
        'w_max': 2,
        'w_initial': 0
    }
    eqs = 'dv/dt = (0 - v)/tau : 1 (unless refractory)'
    neuron_with_homeostasis = NeuronGroup(1, eqs, threshold='v > 1', reset='v = -1',
                                          method='euler', refractory=1*ms, namespace=parameters)
    neuron_without_homeostasis = NeuronGroup(1, eqs, threshold='v > 1', reset='v = -1',
                                             method='euler', refractory=1*ms, namespace=parameters)
    plastic_synapse = Synapses(steady_poisson, neuron_with_homeostasis, 'w : 1',
                               on_pre='''
                               v_post += w
                               w = clip(w + dw_plus, 0, w_max)
                               ''',
                               on_post='''
                               w = clip(w - dw_minus, 0, w_max)
                               ''', namespace=parameters)
    plastic_synapse.connect()
    plastic_synapse.w = parameters['w_initial']
    non_plastic_synapse_neuron_without_homeostasis = Synapses(
        varying_poisson, neuron_without_homeostasis, 'w : 1', on_pre='v_post += w')
    non_plastic_synapse_neuron_without_homeostasis.connect()
    non_plastic_synapse_neuron_without_homeostasis.w = 2
    non_plastic_synapse_neuron = Synapses(varying_poisson, neuron_with_homeostasis,
                                          'w : 1', on_pre='v_post += w')
    non_plastic_synapse_neuron.connect()
    non_plastic_synapse_neuron.w = 2
    M = StateMonitor(neuron_with_homeostasis, 'v', record=True)
    M2 = StateMonitor(plastic_synapse, 'w', record=True)
    M_rate_neuron_with_homeostasis = PopulationRateMonitor(neuron_with_homeostasis)
    M_rate_neuron_without_homeostasis = PopulationRateMonitor(neuron_without_homeostasis)
    duration = 40*second
    defaultclock.dt = 0.1*ms
    run(duration)

    st = Stats()
    r_with = M_rate_neuron_with_homeostasis.rate / Hz
    r_without = M_rate_neuron_without_homeostasis.rate / Hz
    st("rate_with_Hz", np.mean(r_with), "mean rate of the neuron with homeostasis over 40 s",
       "mean(M_rate_neuron_with_homeostasis.rate) / Hz")
    st("rate_without_Hz", np.mean(r_without), "mean rate of the neuron without homeostasis over 40 s",
       "mean(M_rate_neuron_without_homeostasis.rate) / Hz")
    n_ep = len(r_with) // 4
    # The homeostatic neuron's rate in the epochs where the varying input is 50 Hz and 0 Hz
    st("rate_with_10_20s_Hz", np.mean(r_with[n_ep:2*n_ep]),
       "mean rate of the neuron with homeostasis for 10 s <= t < 20 s (varying input at 50 Hz)",
       "mean(M_rate_neuron_with_homeostasis.rate[(t >= 10*second) & (t < 20*second)]) / Hz")
    st("rate_with_20_30s_Hz", np.mean(r_with[2*n_ep:3*n_ep]),
       "mean rate of the neuron with homeostasis for 20 s <= t < 30 s (varying input at 0 Hz)",
       "mean(M_rate_neuron_with_homeostasis.rate[(t >= 20*second) & (t < 30*second)]) / Hz")
    w = M2.w[0]
    st("w_mean_10_20s", np.mean(w[n_ep:2*n_ep]),
       "time average of the plastic weight (M2) for 10 s <= t < 20 s",
       "mean(M2.w[0][(M2.t >= 10*second) & (M2.t < 20*second)])")
    st("w_mean_20_30s", np.mean(w[2*n_ep:3*n_ep]),
       "time average of the plastic weight (M2) for 20 s <= t < 30 s",
       "mean(M2.w[0][(M2.t >= 20*second) & (M2.t < 30*second)])")
    return st


def ex_efficient_gaussian_connectivity(_seed):
    new_scope(_seed)
    res = {}

    def naive(N):
        G = NeuronGroup(N, 'v:1', threshold='v>1', name='G')
        S = Synapses(G, G, on_pre='v += 1', name='S')
        S.connect(p='exp(-0.1*(i-j)**2)')
        return S

    def limited(N, q=0.001):
        G = NeuronGroup(N, 'v:1', threshold='v>1', name='G')
        S = Synapses(G, G, on_pre='v += 1', name='S')
        w = int(ceil(sqrt(log(q)/-0.1)))
        S.connect(j='k for k in range(i-w, i+w) if rand()<exp(-0.1*(i-j)**2)', skip_if_invalid=True)
        return S

    def divided(N, q=0.001):
        G = NeuronGroup(N, 'v:1', threshold='v>1', name='G')
        S = Synapses(G, G, on_pre='v += 1', name='S')
        w = int(ceil(sqrt(log(q)/-0.1)))
        S.connect(j='k for k in range(i-w, i+w) if rand()<exp(-0.1*(i-j)**2)', skip_if_invalid=True)
        pmax = exp(-0.1*w**2)
        S.connect(j='k for k in sample(0, i-w, p=pmax) if rand()<exp(-0.1*(i-j)**2)/pmax', skip_if_invalid=True)
        S.connect(j='k for k in sample(i+w, N_post, p=pmax) if rand()<exp(-0.1*(i-j)**2)/pmax', skip_if_invalid=True)
        return S

    st = Stats()
    for name, f in [("naive", naive), ("limited", limited), ("divided", divided)]:
        S = f(1000)
        d = np.asarray(S.i[:]) - np.asarray(S.j[:])
        st(f"{name}_n_syn_N1000", len(S),
           f"number of synapses created by {name}(1000) (expected ~ 1000*sqrt(pi/0.1) minus edge effects)",
           f"len(S) after {name}(N=1000)")
        st(f"{name}_mean_sq_dist_N1000", np.mean(d.astype(float)**2),
           f"mean of (i-j)**2 over the synapses of {name}(1000) (~ 1/(2*0.1) = 5)",
           f"mean((S.i - S.j)**2) after {name}(N=1000)")
        del S
    return st


def ex_homeostatic_stdp_at_inhibitory_synapes(_seed):
    new_scope(_seed)
    b2_ = b2
    net = b2_.Network()
    epoch_length = 1 * second
    spike_rate = np.arange(0, 12.5, 2.5)
    total_epochs = len(spike_rate)
    population_spike_rate = TimedArray(spike_rate * Hz, dt=epoch_length)
    population_size = 1000
    spike_generators = PoissonGroup(population_size, rates="population_spike_rate(t)")
    net.add(spike_generators)
    gamma = 5 * Hz
    tau_H = 0.1 * second
    global_factor_model = """
    G = H - gamma    : Hz
    dH/dt = -H/tau_H : Hz
    """
    global_factor = NeuronGroup(1, model=global_factor_model)
    net.add(global_factor)
    spike_aggregator = Synapses(spike_generators, global_factor,
                                on_pre="H_post += 1/(tau_H * population_size)")
    spike_aggregator.connect()
    net.add(spike_aggregator)
    spike_times = epoch_length * (np.arange(total_epochs) + 0.5)
    spike_indices = np.zeros_like(spike_times / second)
    presynaptic_neuron = SpikeGeneratorGroup(1, spike_indices, spike_times)
    net.add(presynaptic_neuron)
    delay = 1 * msecond
    postsynaptic_neuron = SpikeGeneratorGroup(1, spike_indices, spike_times + delay)
    net.add(postsynaptic_neuron)
    tau_stdp = 20. * msecond
    eta = 1. * nsiemens * second
    synapse_model = """
    G : Hz (linked)
    wij : siemens
    dzi/dt = -zi / tau_stdp : 1 (event-driven)
    dzj/dt = -zj / tau_stdp : 1 (event-driven)
    """
    on_pre = """
    zj += 1.
    wij += eta * G * (zi + 1)
    """
    on_post = """
    zi += 1.
    wij += eta * G * zj
    """
    synapse = Synapses(presynaptic_neuron, postsynaptic_neuron,
                       model=synapse_model, on_pre=on_pre, on_post=on_post)
    synapse.connect(i=0, j=0)
    synapse.G = linked_var(global_factor, "G")
    synapse.wij = 0 * nsiemens
    net.add(synapse)
    monitor = StateMonitor(synapse, ["G", "wij"], record=True, dt=1*msecond)
    net.add(monitor)
    net.run(total_epochs * epoch_length)

    # the example's analysis
    G = np.squeeze(monitor.G / Hz)
    wij = np.squeeze(monitor.wij / nsiemens)
    time_ = np.squeeze(monitor.t / ms)
    spike_times = spike_times / ms
    g = np.zeros_like(spike_times)
    dw = np.zeros_like(spike_times)
    for ii, spike_time in enumerate(spike_times):
        g[ii] = G[np.argmin(np.abs(time_ - spike_time))]
        w0 = wij[np.argmin(np.abs(time_ - spike_time - 10))]
        w1 = wij[np.argmin(np.abs(time_ - spike_time + 10))]
        dw[ii] = w1 - w0

    st = Stats()
    for k in range(total_epochs):
        st(f"G_pair{k}_Hz", g[k],
           f"global factor G at pairing {k} (t = {k}.5 s, population rate {spike_rate[k]} Hz): "
           "the example's g[ii] = G at the monitor sample nearest to the pre spike",
           f"G[argmin(abs(time - spike_times[{k}]))] with G = monitor.G / Hz, time = monitor.t / ms")
    for k in range(total_epochs):
        st(f"dw_pair{k}_nS", dw[k],
           f"weight change around pairing {k}: the example's dw[ii] = wij 10 ms before minus "
           "10 ms after the spike (note the sign convention of the example: w0 is taken at t+10 ms, "
           "w1 at t-10 ms, dw = w1 - w0)",
           f"wij[argmin(abs(time - spike_times[{k}] + 10))] - wij[argmin(abs(time - spike_times[{k}] - 10))]")
    st("wij_final_nS", wij[-1], "last recorded wij (t = 4.999 s)", "monitor.wij[0][-1] / nsiemens")
    return st


def ex_exprel_function(_seed):
    new_scope(_seed)
    eqs = '''v : volt
             # opening rate from the HH model
             alpha_simple = 0.32*(mV**-1)*(-50*mV-v)/
                            (exp((-50*mV-v)/(4*mV))-1.)/ms : Hz
             alpha_improved = 0.32*(mV**-1)*4*mV/exprel((-50*mV-v)/(4*mV))/ms : Hz'''
    neuron = NeuronGroup(1000, eqs)
    neuron.v = np.linspace(-50 - .5e-6, -50 + .5e-6, len(neuron))*mV

    st = Stats()
    a_s = neuron.alpha_simple / Hz
    a_i = neuron.alpha_improved / Hz
    st("alpha_improved_mean_Hz", np.mean(a_i), "mean of alpha_improved over the 1000 voltages",
       "mean(neuron.alpha_improved) / Hz")
    st("alpha_improved_max_dev_Hz", np.max(np.abs(a_i - 1280.0)),
       "max |alpha_improved - 1280 Hz| (exact limit 0.32*4/ms; tiny, ~1e-5 Hz)",
       "max(abs(neuron.alpha_improved/Hz - 1280))")
    st("alpha_simple_mean_Hz", np.mean(a_s), "mean of alpha_simple over the 1000 voltages",
       "mean(neuron.alpha_simple) / Hz")
    st("alpha_simple_rms_dev_Hz", np.sqrt(np.mean((a_s - a_i)**2)),
       "root mean square of alpha_simple - alpha_improved (the cancellation error the example "
       "shows; depends on the floating-point rounding of v and of exp)",
       "sqrt(mean((neuron.alpha_simple - neuron.alpha_improved)**2)) / Hz")
    return st


def ex_Ornstein_Uhlenbeck(_seed):
    new_scope(_seed)
    N = NeuronGroup(
        2,
        """
        tau : second
        sigma : 1
        dy/dt = -y/tau + sqrt(2*sigma**2/tau)*xi : 1
        """,
        method="euler"
    )
    N.tau = np.array([1, 0.1]) * second
    N.sigma = np.array([0.1, 0.31622])
    N.y = 1
    M = StateMonitor(N, "y", record=True)
    run(10 * second)

    st = Stats()
    t = M.t / second
    y0, y1 = M.y[0], M.y[1]
    st("y0_mean_first_1s", np.mean(y0[t < 1]),
       "tau=1 s, sigma=0.1: mean of M.y[0] over t < 1 s (expected 1-exp(-1) = 0.632)",
       "mean(M.y[0][M.t < 1*second])")
    st("y0_var_after_5s", np.var(y0[t >= 5]),
       "tau=1 s, sigma=0.1: variance (ddof=0) of M.y[0] over t >= 5 s (stationary var sigma**2 = 0.01)",
       "var(M.y[0][M.t >= 5*second])")
    st("y1_mean_after_1s", np.mean(y1[t >= 1]),
       "tau=0.1 s, sigma=0.31622: mean of M.y[1] over t >= 1 s (expected 0)",
       "mean(M.y[1][M.t >= 1*second])")
    st("y1_var_after_1s", np.var(y1[t >= 1]),
       "tau=0.1 s, sigma=0.31622: variance (ddof=0) of M.y[1] over t >= 1 s (stationary var 0.1)",
       "var(M.y[1][M.t >= 1*second])")
    return st


def ex_stochastic_odes(_seed):
    start_scope()
    defaultclock.dt = 0.1*ms
    prefs.codegen.target = 'numpy'  # as in the example
    seed_ = _seed
    X0 = 1
    mu = 0.5/second
    sigma = 0.1/second
    runtime = 1*second

    def simulate(method, dt):
        np.random.seed(seed_)
        G = NeuronGroup(1, 'dX/dt = (mu - 0.5*second*sigma**2)*X + X*sigma*xi*second**.5: 1',
                        dt=dt, method=method)
        G.X = X0
        mon = StateMonitor(G, 'X', record=True)
        net = Network(G, mon)
        # mu and sigma are module globals in the example; here they live in the enclosing
        # function, which Brian's implicit namespace does not see from simulate()
        net.run(runtime, namespace={'mu': mu, 'sigma': sigma})
        return mon.t_[:], mon.X.flatten()

    def exact_solution(t, dt):
        my_mu = float(mu)
        my_sigma = float(sigma)
        dt = float(dt)
        t = np.asarray(t)
        np.random.seed(seed_)
        brownian = np.hstack([0, np.cumsum(np.sqrt(dt) * np.random.randn(len(t)-1))])
        return (X0 * np.exp((my_mu - 0.5*my_sigma**2)*(t+dt) + my_sigma*brownian))

    methods = ['milstein', 'heun']
    dts = [1*ms, 0.5*ms, 0.2*ms, 0.1*ms, 0.05*ms, 0.025*ms, 0.01*ms, 0.005*ms]
    st = Stats()
    finals = {}
    for dt in dts:
        trajectories = {}
        for method in methods:
            t, trajectories[method] = simulate(method, dt)
        exact = exact_solution(t, dt)
        for method in methods:
            lab = f"{float(dt/ms):g}".replace(".", "p")
            st(f"err_{method}_dt{lab}ms", np.mean(np.abs(trajectories[method] - exact)),
               f"{method}, dt = {dt/ms:g} ms: mean over the recorded steps of |X - exact| (the "
               "example's errors[method][dt_idx]; exact solution from the same numpy randn stream)",
               "mean(abs(trajectories[method] - exact))")
            finals.setdefault(method, trajectories[method][-1])
    st("X_final_milstein_dt1ms", finals['milstein'],
       "milstein, dt = 1 ms: last recorded X (t = 999 ms)", "mon.X[0][-1]")
    return st


def ex_COBAHH_approximated(_seed):
    new_scope(_seed)
    from functools import reduce
    import operator

    def inf_eq(gv):
        return Equations('xinf = 1/(1+exp((v_half-v)/k)) : 1',
                         xinf=f'{gv}_inf', v_half=f'v_{gv}_half', k=f'k_{gv}')

    def tau_eq(gv):
        return Equations('tau = c_base + c_amp*exp(-(v_max - v)**2/sigma**2) : second',
                         tau=f'tau_{gv}', c_base=f'c_{gv}_base', c_amp=f'c_{gv}_amp',
                         v_max=f'v_{gv}_max', sigma=f'sigma_{gv}')

    def ode(gv):
        return Equations('dx/dt = (xinf - x)/tau : 1', x=gv, xinf=f'{gv}_inf', tau=f'tau_{gv}')

    def neuron_ode():
        return [Equations('g_K = g_K_bar*n**4 : siemens/meter**2'),
                Equations('g_Na = g_Na_bar*m**3*h : siemens/meter**2'),
                Equations('I_K = g_K*(v - e_K) : ampere/meter**2'),
                Equations('I_Na = g_Na*(v - e_Na) : ampere/meter**2'),
                Equations('I_L = g_L*(v - e_L) : ampere/meter**2'),
                Equations('I_ext = I_stim(t) : ampere/meter**2'),
                Equations('dv/dt = (I_ext - I_K - I_Na - I_L)/C_mem : volt')]

    parameters = {
        'v_n_half': 12*mV, 'v_m_half': 25*mV, 'v_h_half': 3*mV,
        'k_n': 15*mV, 'k_m': 9*mV, 'k_h': -7*mV,
        'v_n_max': -14*mV, 'v_m_max': 27*mV, 'v_h_max': -2*mV,
        'sigma_n': 50*mV, 'sigma_m': 30*mV, 'sigma_h': 20*mV,
        'c_n_amp': 4.7*ms, 'c_m_amp': 0.46*ms, 'c_h_amp': 7.4*ms,
        'c_n_base': 1.1*ms, 'c_m_base': 0.04*ms, 'c_h_base': 1.2*ms,
        'g_K_bar': 36*mS / (cmeter**2), 'g_Na_bar': 120*mS / (cmeter**2), 'g_L': 0.3*mS / (cmeter**2),
        'e_K': -12*mV, 'e_Na': 120*mV, 'e_L': 10.6*mV,
        'C_mem': 1*uF / cmeter**2,
        'v_initial': 0*mV,
        'm_initial': 0.05, 'n_initial': 0.32, 'h_initial': 0.60,
        'I_stim': TimedArray(values=([0]*4+[4]+[0]*15+[15]+[0])*uA/(cmeter**2), dt=0.5*ms),
        'defaultclock_dt': 0.01*ms,
        'duration': 20*ms,
    }

    # run_simulation(parameters)
    equations = []
    for gv in ["m", "n", "h"]:
        equations.append(inf_eq(gv))
        equations.append(tau_eq(gv))
        equations.append(ode(gv))
    equations += neuron_ode()
    eqs_HH = reduce(operator.add, equations)
    group = NeuronGroup(1, eqs_HH, method='euler', namespace=parameters)
    group.v = parameters["v_initial"]
    group.m = parameters["m_initial"]
    group.n = parameters["n_initial"]
    group.h = parameters["h_initial"]
    statemon = StateMonitor(group, ['v', 'I_ext', 'm', 'n', 'h', 'g_K', 'g_Na',
                                    'I_K', 'I_Na', 'I_L', 'tau_m', 'tau_n', 'tau_h'],
                            record=True)
    defaultclock.dt = parameters["defaultclock_dt"]
    run(parameters["duration"])

    # plot_tau / plot_inf groups (evaluated, not run)
    tau_group = NeuronGroup(100, Equations('v : volt') + reduce(operator.add, [tau_eq(gv) for gv in 'mnh']),
                            method='euler', namespace=parameters)
    tau_group.v = np.linspace(-100, 100, len(tau_group))*mV
    inf_group = NeuronGroup(100, Equations('v : volt') + reduce(operator.add, [inf_eq(gv) for gv in 'mnh']),
                            method='euler', namespace=parameters)
    inf_group.v = np.linspace(-100, 100, len(inf_group))*mV

    st = Stats()
    v = statemon.v[0] / mV
    idx = np.nonzero((v[:-1] <= 50) & (v[1:] > 50))[0]
    st("n_spikes", len(idx), "number of upward crossings of 50 mV in statemon.v[0] (action potentials)",
       "sum((statemon.v[0][:-1] <= 50*mV) & (statemon.v[0][1:] > 50*mV))")
    st("v_max_mV", np.max(v), "maximum of statemon.v[0]", "max(statemon.v[0]) / mV")
    st("t_v_max_ms", statemon.t[np.argmax(v)] / ms, "time of the maximum of statemon.v[0]",
       "statemon.t[argmax(statemon.v[0])] / ms")
    st("v_final_mV", v[-1], "last recorded v (t = 19.99 ms)", "statemon.v[0][-1] / mV")
    st("I_Na_min_uA_per_cm2", np.min(statemon.I_Na[0] / (uA/cmeter**2)),
       "minimum (most inward) Na current recorded", "min(statemon.I_Na[0]) / (uA/cmeter**2)")
    st("tau_group_tau_h_max_ms", np.max(tau_group.tau_h / ms),
       "plot_tau: maximum of tau_h over v = linspace(-100, 100, 100) mV",
       "max(tau_group.tau_h) / ms")
    st("inf_group_n_inf_mean", np.mean(inf_group.n_inf),
       "plot_inf: mean of n_inf over v = linspace(-100, 100, 100) mV", "mean(inf_group.n_inf)")
    return st


# --------------------------------------------------------------------------- registry
# name: (example path, deterministic, default number of seeds, default target)
def ex_Brunel_Hakim_1999(_seed):
    new_scope(_seed)
    N = 5000
    Vr = 10*mV
    theta = 20*mV
    tau = 20*ms
    delta = 2*ms
    taurefr = 2*ms
    duration = .1*second
    C = 1000
    sparseness = float(C)/N
    J = .1*mV
    muext = 25*mV
    sigmaext = 1*mV
    eqs = """
    dV/dt = (-V+muext + sigmaext * sqrt(tau) * xi)/tau : volt
    """
    group = NeuronGroup(N, eqs, threshold='V>theta',
                        reset='V=Vr', refractory=taurefr, method='euler')
    group.V = Vr
    conn = Synapses(group, group, on_pre='V += -J', delay=delta)
    conn.connect(p=sparseness)
    M = SpikeMonitor(group)
    LFP = PopulationRateMonitor(group)
    run(duration)

    st = Stats()
    lfp = LFP.smooth_rate(window='flat', width=0.5*ms) / Hz
    t = LFP.t / ms
    st("rate_Hz", M.num_spikes / N / 0.1,
       "mean firing rate of the 5000 neurons over the 100 ms run",
       "M.num_spikes / (N * duration)")
    st("n_synapses", len(conn), "number of synapses (p = 0.2)", "len(conn)")
    st("lfp_sd_after_20ms_Hz", np.std(lfp[t >= 20]),
       "standard deviation of LFP.smooth_rate(window='flat', width=0.5*ms) over t >= 20 ms "
       "(the size of the global oscillation)",
       "std(LFP.smooth_rate(window='flat', width=0.5*ms)[LFP.t >= 20*ms]) / Hz")
    st("n_spikes_first_20ms", np.sum(M.t < 20*ms),
       "spikes in the first 20 ms (the synchronous onset)", "sum(M.t < 20*ms)")
    return st


def ex_Diesmann_et_al_1999(_seed):
    new_scope(_seed)
    duration = 100*ms
    Vr = -70*mV
    Vt = -55*mV
    taum = 10*ms
    taupsp = 0.325*ms
    weight = 4.86*mV
    eqs = Equations('''
    dV/dt = (-(V-Vr)+x)*(1./taum) : volt
    dx/dt = (-x+y)*(1./taupsp) : volt
    dy/dt = -y*(1./taupsp)+25.27*mV/ms+
            (39.24*mV/ms**0.5)*xi : volt
    ''')
    n_groups = 10
    group_size = 100
    P = NeuronGroup(N=n_groups*group_size, model=eqs,
                    threshold='V>Vt', reset='V=Vr', refractory=1*ms,
                    method='euler')
    Pinput = SpikeGeneratorGroup(85, np.arange(85),
                                 np.random.randn(85)*1*ms + 50*ms)
    S = Synapses(P, P, on_pre='y+=weight')
    S.connect(j='k for k in range((int(i/group_size)+1)*group_size, (int(i/group_size)+2)*group_size) '
                'if i<N_pre-group_size')
    Sinput = Synapses(Pinput, P[:group_size], on_pre='y+=weight')
    Sinput.connect()
    Mgp = SpikeMonitor(P)
    Minput = SpikeMonitor(Pinput)
    P.V = 'Vr + rand() * (Vt - Vr)'
    run(duration)

    st = Stats()
    i = np.asarray(Mgp.i[:])
    t = Mgp.t / ms
    g = i // group_size
    st("n_synapses", len(S), "synapses of the chain (100 x 100 between successive groups; "
       "deterministic)", "len(S)")
    st("n_spikes", Mgp.num_spikes, "spikes of the 1000 chain neurons", "Mgp.num_spikes")
    st("spikes_before_50ms", np.sum(t < 50), "spontaneous spikes before the input volley",
       "sum(Mgp.t < 50*ms)")
    st("group9_spikes_after_50ms", np.sum((g == 9) & (t >= 50)),
       "spikes of the last group after the volley (the propagated packet plus background)",
       "sum((Mgp.i >= 900) & (Mgp.t >= 50*ms))")
    st("group0_mean_time_50_60ms", np.mean(t[(g == 0) & (t >= 50) & (t < 60)]),
       "mean time of the first group's spikes in 50..60 ms (its answer to the volley)",
       "mean(Mgp.t[(Mgp.i < 100) & (Mgp.t >= 50*ms) & (Mgp.t < 60*ms)]) / ms")
    return st


def ex_Wang_Buszaki_1996(_seed):
    new_scope(_seed, dt=0.01*ms)
    Cm = 1*uF  # /cm**2
    Iapp = 2*uA
    gL = 0.1*msiemens
    EL = -65*mV
    ENa = 55*mV
    EK = -90*mV
    gNa = 35*msiemens
    gK = 9*msiemens
    eqs = '''
    dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
    m = alpha_m/(alpha_m+beta_m) : 1
    alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
    beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
    dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
    alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
    beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
    dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
    alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
    beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
    '''
    neuron = NeuronGroup(1, eqs, method='exponential_euler')
    neuron.v = -70*mV
    neuron.h = 1
    M = StateMonitor(neuron, 'v', record=0)
    run(100*ms)

    st = Stats()
    v = M[0].v / mV
    k = int(np.argmax((v[:-1] <= 0) & (v[1:] > 0)))
    st("n_spikes", crossings(v, 0.0), "upward crossings of 0 mV by M[0].v",
       "sum((M[0].v[:-1] <= 0*mV) & (M[0].v[1:] > 0*mV))")
    st("first_spike_ms", M.t[k + 1] / ms, "time of the first sample above 0 mV",
       "M.t[first k with v[k] <= 0 < v[k+1]] + dt, in ms")
    st("v_max_mV", np.max(v), "maximum of M[0].v", "max(M[0].v) / mV")
    st("v_final_mV", v[-1], "last recorded v (t = 99.99 ms)", "M[0].v[-1] / mV")
    return st


def ex_Brette_Gerstner_2005(_seed):
    new_scope(_seed)
    C = 281 * pF
    gL = 30 * nS
    taum = C / gL
    EL = -70.6 * mV
    VT = -50.4 * mV
    DeltaT = 2 * mV
    Vcut = VT + 5 * DeltaT
    tauw, a, b, Vr = 144*ms, 4*nS, 0.0805*nA, -70.6*mV
    eqs = """
    dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
    dw/dt = (a*(vm - EL) - w)/tauw : amp
    I : amp
    """
    neuron = NeuronGroup(1, model=eqs, threshold='vm>Vcut',
                         reset="vm=Vr; w+=b", method='euler')
    neuron.vm = EL
    trace = StateMonitor(neuron, 'vm', record=0)
    spikes = SpikeMonitor(neuron)
    run(20 * ms)
    neuron.I = 1*nA
    run(100 * ms)
    neuron.I = 0*nA
    run(20 * ms)
    vm = trace[0].vm[:]
    for t in spikes.t:
        i = int(t / defaultclock.dt)
        vm[i] = 20*mV

    st = Stats()
    ts = spikes.t / ms
    st("n_spikes", spikes.num_spikes, "spikes in the 140 ms", "spikes.num_spikes")
    st("first_spike_ms", ts[0], "first spike time", "spikes.t[0] / ms")
    st("last_spike_ms", ts[-1], "last spike time (adaptation lengthens the intervals)",
       "spikes.t[-1] / ms")
    st("n_samples_at_20mV", np.sum(vm == 20*mV),
       "samples of the drawn trace set to 20 mV (one per spike, at int(t/dt))",
       "sum(vm == 20*mV)")
    st("vm_mean_mV", np.mean(vm / mV), "mean of the drawn trace", "mean(vm) / mV")
    st("w_final_nA", neuron.w[0] / nA, "adaptation current at the end", "neuron.w[0] / nA")
    return st


def ex_Touboul_Brette_2008(_seed):
    new_scope(_seed, dt=0.01*ms)
    C = 281*pF
    gL = 30*nS
    EL = -70.6*mV
    VT = -50.4*mV
    DeltaT = 2*mV
    tauw = 40*ms
    a = 4*nS
    b = 0.08*nA
    I = .8*nA
    Vcut = VT + 5 * DeltaT  # practical threshold condition
    N = 200
    eqs = """
    dvm/dt=(gL*(EL-vm)+gL*DeltaT*exp((vm-VT)/DeltaT)+I-w)/C : volt
    dw/dt=(a*(vm-EL)-w)/tauw : amp
    Vr:volt
    """
    neuron = NeuronGroup(N, model=eqs, threshold='vm > Vcut',
                         reset="vm = Vr; w += b", method='euler')
    neuron.vm = EL
    neuron.w = a * (neuron.vm - EL)
    neuron.Vr = linspace(-48.3 * mV, -47.7 * mV, N)  # bifurcation parameter
    init_time = 3*second
    run(init_time)  # we discard the first spikes
    states = StateMonitor(neuron, "w", record=True, when='start')
    spikes = SpikeMonitor(neuron)
    run(1 * second)
    Vr = neuron.Vr[spikes.i]  # Vr of each spike
    w = states.w[spikes.i, int_((spikes.t-init_time)/defaultclock.dt)]  # w at each spike

    st = Stats()
    i = np.asarray(spikes.i[:])
    wn = np.asarray(w / nA)
    st("n_spikes", spikes.num_spikes, "spikes of the 200 neurons in the recorded second",
       "spikes.num_spikes")
    st("w_mean_nA", np.mean(wn), "mean of w at the spikes (the figure's y values)",
       "mean(w) / nA")
    st("n_spikes_first_20", np.sum(i < 20),
       "spikes of the 20 neurons with the lowest Vr (a regular regime)", "sum(spikes.i < 20)")
    st("w_mean_first_20_nA", np.mean(wn[i < 20]),
       "mean w at the spikes of those 20 neurons", "mean(w[spikes.i < 20]) / nA")
    return st


EXAMPLES = {
    "CUBA": ("examples/CUBA.py", False, 10, "cython"),
    "COBAHH": ("examples/COBAHH.py", False, 10, "cython"),
    "IF_curve_LIF": ("examples/IF_curve_LIF.py", True, 1, "numpy"),
    "IF_curve_Hodgkin_Huxley": ("examples/IF_curve_Hodgkin_Huxley.py", True, 1, "numpy"),
    "adaptive_threshold": ("examples/adaptive_threshold.py", False, 10, "numpy"),
    "non_reliability": ("examples/non_reliability.py", False, 10, "numpy"),
    "reliability": ("examples/reliability.py", False, 10, "numpy"),
    "phase_locking": ("examples/phase_locking.py", False, 10, "numpy"),
    "coupled_oscillators": ("examples/coupled_oscillators.py", False, 10, "cython"),
    "synapses": ("examples/synapses/synapses.py", False, 10, "numpy"),
    "state_variables": ("examples/synapses/state_variables.py", False, 10, "numpy"),
    "gapjunctions": ("examples/synapses/gapjunctions.py", True, 1, "numpy"),
    "nonlinear": ("examples/synapses/nonlinear.py", True, 1, "numpy"),
    "licklider": ("examples/synapses/licklider.py", False, 10, "cython"),
    "jeffress": ("examples/synapses/jeffress.py", False, 10, "cython"),
    "STDP": ("examples/synapses/STDP.py", False, 3, "cython"),
    "spatial_connections": ("examples/synapses/spatial_connections.py", False, 10, "numpy"),
    "continuous_interaction": ("examples/synapses/continuous_interaction.py", True, 1, "numpy"),
    "spike_based_homeostasis": ("examples/synapses/spike_based_homeostasis.py", False, 5, "cython"),
    "efficient_gaussian_connectivity": ("examples/synapses/efficient_gaussian_connectivity.py", False, 10, "numpy"),
    "homeostatic_stdp_at_inhibitory_synapes": ("examples/synapses/homeostatic_stdp_at_inhibitory_synapes.py", False, 10, "cython"),
    "exprel_function": ("examples/advanced/exprel_function.py", True, 1, "numpy"),
    "Ornstein_Uhlenbeck": ("examples/advanced/Ornstein_Uhlenbeck.py", False, 10, "numpy"),
    "stochastic_odes": ("examples/advanced/stochastic_odes.py", False, 5, "numpy"),
    "COBAHH_approximated": ("examples/advanced/COBAHH_approximated.py", True, 1, "numpy"),
    "Brunel_Hakim_1999": ("examples/frompapers/Brunel_Hakim_1999.py", False, 10, "cython"),
    "Diesmann_et_al_1999": ("examples/frompapers/Diesmann_et_al_1999.py", False, 10, "cython"),
    "Wang_Buszaki_1996": ("examples/frompapers/Wang_Buszaki_1996.py", True, 1, "numpy"),
    "Brette_Gerstner_2005": ("examples/frompapers/Brette_Gerstner_2005.py", True, 1, "numpy"),
    "Touboul_Brette_2008": ("examples/frompapers/Touboul_Brette_2008.py", True, 1, "cython"),
}
# What differs from the example file besides the dropped plotting (recorded in meta.notes).
COMMON_NOTE = ("plotting dropped; start_scope(), defaultclock.dt = 0.1*ms and seed(s) at the "
               "start of each run")
NOTES = {
    "CUBA": "",
    "COBAHH": "report='text' dropped; SpikeMonitor(P) added (for rate_Hz; no effect on the dynamics)",
    "adaptive_threshold": "report='text' dropped",
    "coupled_oscillators": "animation dropped; run_sim(K, random_seed) is called for K = 0, 1, 2, 4 "
                           "/second with random_seed = s (the example uses 214040893) for all four K, "
                           "each in a fresh start_scope(); defaultclock.dt = 1*ms as in the example",
    "jeffress": "print() of the maximum delay dropped",
    "STDP": "report='text' dropped",
    "spatial_connections": "the plotting's np.random.randint picks of neurons dropped",
    "spike_based_homeostasis": "report='text' dropped",
    "efficient_gaussian_connectivity": "the timing loops (N up to 20000, repeated calls) replaced by "
                                       "one call of naive, limited and divided with N = 1000 each; the "
                                       "functions return S so that its synapses can be counted",
    "homeostatic_stdp_at_inhibitory_synapes": "the example's analysis (g, dw per pairing) kept, plots dropped",
    "exprel_function": "no run in the example (values of subexpressions evaluated only)",
    "state_variables": "no run in the example (initialisation only); w_matrix computed as in the example",
    "stochastic_odes": "np.random.seed(12347) replaced by np.random.seed(s) (in simulate and "
                       "exact_solution, as in the example); simulate() passes "
                       "namespace={'mu': mu, 'sigma': sigma} to net.run because mu and sigma are "
                       "locals of the enclosing function here, not module globals; numpy target "
                       "forced as in the example",
    "Touboul_Brette_2008": "report='text' dropped; the system is chaotic for most Vr, so "
                           "statistics over many spikes are compared, not single values",
    "Wang_Buszaki_1996": "report='text' dropped; defaultclock.dt = 0.01*ms as in the example",
    "Diesmann_et_al_1999": "the input volley's times use numpy's random generator seeded by seed(s)",
    "COBAHH_approximated": "main() replaced by run_simulation(parameters) plus the NeuronGroups of "
                           "plot_tau/plot_inf (evaluated, not run)",
}

# stochastic_odes always uses numpy (the example sets prefs.codegen.target = 'numpy' so that
# the exact solution can replay the same numpy random numbers).
FORCED_TARGET = {"stochastic_odes": "numpy"}


def run_example(name):
    path, deterministic, n_default, target = EXAMPLES[name]
    target = FORCED_TARGET.get(name, args.target or target)
    n = 1 if deterministic else (args.seeds or n_default)
    seeds = list(range(1, n + 1))
    prefs.codegen.target = target
    _collector.msgs = []
    t0 = _time.time()
    per_seed = []
    for sd in seeds:
        prefs.codegen.target = target
        t1 = _time.time()
        per_seed.append(globals()["ex_" + name](sd))
        print(f"  {name} seed {sd}: {_time.time() - t1:.1f} s", file=sys.stderr)
    wall = _time.time() - t0
    import gc
    gc.collect()
    stats = {}
    for key, (_, describe, python) in per_seed[0].d.items():
        vals = [p.d[key][0] for p in per_seed]
        a = np.array(vals)
        stats[key] = {
            "describe": describe,
            "python": python,
            "values": vals,
            "mean": float(a.mean()),
            "sd": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
            "min": float(a.min()),
            "max": float(a.max()),
        }
    out = {
        "meta": meta(target, example=path, n_seeds=n, seeds=seeds,
                     defaultclock_dt=float(defaultclock.dt / second),
                     wall_time_s=round(wall, 1),
                     notes="; ".join(x for x in (COMMON_NOTE, NOTES.get(name, "")) if x),
                     brian2_warnings=list(_collector.msgs)),
        "deterministic": deterministic,
        "stats": stats,
    }
    write_json(f"examples/{name}.json", out)
    for key, v in stats.items():
        print(f"    {key}: {v['mean']:.6g} +- {v['sd']:.3g}", file=sys.stderr)


if __name__ == "__main__":
    names = args.only or list(EXAMPLES)
    for nm in names:
        if nm not in EXAMPLES:
            sys.exit(f"unknown example {nm}; known: {', '.join(EXAMPLES)}")
    for nm in names:
        print(f"== {nm}", file=sys.stderr)
        run_example(nm)
