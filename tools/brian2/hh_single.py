"""Single Hodgkin-Huxley neuron (Brian 1 COBAHH equations) with constant conductances.

Model: the COBAHH membrane equations, but with ge and gi held constant
(parameters, not differential equations):
    ge = 9 nS, gi = 20 nS  (=> regular firing at roughly 50 Hz)
    v(0) = El = -60 mV, m(0) = h(0) = n(0) = 0
    threshold 'v > -20*mV', refractory 3 ms, no reset, v NOT (unless refractory)
    dt = 0.1 ms, run 1 s.
The same run is done with method 'exponential_euler', 'rk4' and 'euler'
at dt = 0.1 ms (rk4 and euler blow up to NaN within the first action
potential at this dt -- recorded as <method>_stable = false, final values
null) and again with all three methods at dt = 0.01 ms (keys with suffix
"_dt10us"), where all three are stable.

Writes tests/data/hh_single.json:
    <method>[_dt10us]_spike_times   spike times [s]
    <method>[_dt10us]_n_spikes      number of spikes
    <method>[_dt10us]_rate          spikes / duration [Hz]
    <method>[_dt10us]_final_v/m/h/n state at the end of the run (v in volts;
                                    null if the integration produced NaN)
    <method>[_dt10us]_stable        false if the state became NaN/inf
    trace_*     exponential_euler at dt = 0.1 ms only: t, v, m, h, n for
                every step of the first 50 ms (StateMonitor with default
                when='start', i.e. the value *before* the state update of
                step i, = value at time t_i = i*dt)
    meta.abstract_code_<method>     Brian's generated abstract update code

Re-run:  /work/venv-brian2/bin/python tools/brian2/hh_single.py [--target numpy|cython]
"""
from common import floats, meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
from brian2 import (  # noqa: E402
    NeuronGroup, SpikeMonitor, StateMonitor, Network, defaultclock,
    cm, mV, ms, msiemens, nS, second, siemens, ufarad, umetre,
)
import numpy as np  # noqa: E402

area = 20000 * umetre**2
Cm = (1 * ufarad * cm**-2) * area
gl = (5e-5 * siemens * cm**-2) * area
El = -60 * mV
EK = -90 * mV
ENa = 50 * mV
g_na = (100 * msiemens * cm**-2) * area
g_kd = (30 * msiemens * cm**-2) * area
VT = -63 * mV
Ee = 0 * mV
Ei = -80 * mV
GE = 9 * nS
GI = 20 * nS

eqs = """
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpham*(1-m)-betam*m : 1
dn/dt = alphan*(1-n)-betan*n : 1
dh/dt = alphah*(1-h)-betah*h : 1
alpham = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
betam = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alphah = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
betah = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alphan = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
betan = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
ge : siemens (constant)
gi : siemens (constant)
"""

dt = 0.1 * ms
dt_fine = 0.01 * ms
duration = 1 * second
trace_duration = 50 * ms
defaultclock.dt = dt

def finite_or_none(x):
    x = float(x)
    return x if np.isfinite(x) else None


data = {}
codes = {}
runs = [(m, dt, "") for m in ["exponential_euler", "rk4", "euler"]]
runs += [(m, dt_fine, "_dt10us") for m in ["exponential_euler", "rk4", "euler"]]
for method, run_dt, suffix in runs:
    defaultclock.dt = run_dt
    G = NeuronGroup(1, eqs, threshold="v > -20*mV", refractory=3 * ms, method=method)
    G.v = El
    G.m = 0
    G.h = 0
    G.n = 0
    G.ge = GE
    G.gi = GI
    sm = SpikeMonitor(G)
    objs = [G, sm]
    if method == "exponential_euler" and suffix == "":
        st = StateMonitor(G, ["v", "m", "h", "n"], record=0, dt=dt)
        objs.append(st)
    net = Network(*objs)
    net.run(trace_duration)
    if method == "exponential_euler" and suffix == "":
        st.active = False
        data["trace_t"] = floats(st.t / second)
        data["trace_v"] = floats(st.v[0] / b2.volt)
        data["trace_m"] = floats(st.m[0])
        data["trace_h"] = floats(st.h[0])
        data["trace_n"] = floats(st.n[0])
    net.run(duration - trace_duration)
    spikes = np.asarray(sm.t / second)
    finite = bool(np.isfinite(G.v[0] / b2.volt))
    key = method + suffix
    data[f"{key}_spike_times"] = floats(spikes)
    data[f"{key}_n_spikes"] = int(len(spikes))
    data[f"{key}_rate"] = float(len(spikes) / float(duration / second))
    data[f"{key}_final_v"] = finite_or_none(G.v[0] / b2.volt)
    data[f"{key}_final_m"] = finite_or_none(G.m[0])
    data[f"{key}_final_h"] = finite_or_none(G.h[0])
    data[f"{key}_final_n"] = finite_or_none(G.n[0])
    data[f"{key}_stable"] = finite
    codes[f"abstract_code_{method}"] = G.state_updater.abstract_code
    print(key, len(spikes), spikes[:5], "stable" if finite else "UNSTABLE")

out = {
    "meta": meta(
        args.target,
        dt=float(dt / second),
        dt_fine=float(dt_fine / second),
        duration=float(duration / second),
        ge=float(GE / siemens),
        gi=float(GI / siemens),
        v_init=float(El / b2.volt),
        m_init=0.0,
        h_init=0.0,
        n_init=0.0,
        threshold="v > -20*mV",
        refractory=0.003,
        reset=None,
        area=float(area / b2.metre**2),
        Cm=float(Cm / b2.farad),
        gl=float(gl / siemens),
        g_na=float(g_na / siemens),
        g_kd=float(g_kd / siemens),
        El=float(El / b2.volt),
        EK=float(EK / b2.volt),
        ENa=float(ENa / b2.volt),
        VT=float(VT / b2.volt),
        Ee=float(Ee / b2.volt),
        Ei=float(Ei / b2.volt),
        trace_duration=float(trace_duration / second),
        **codes,
    ),
}
out.update(data)
write_json("hh_single.json", out, args.out)
