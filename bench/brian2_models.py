"""Brian 2 C++ standalone versions of the benchmark models (run with Brian 2's Python).

    python brian2_models.py MODEL DIRECTORY [--N N] [--duration SECONDS]

builds MODEL into DIRECTORY (code generation and compilation, one thread, no OpenMP), runs
the binary once, and writes DIRECTORY/bench_manifest.json: where the compiled binary
writes the loop time (results/last_run_info.txt) and the spike count of the monitor whose
rate is reported, and that first run's numbers, read back through Brian 2, so the driver
(compare.py) can check it reads the same files. Each model is the same as
models/<MODEL>.rhai: same equations, sizes, connectivity, weights, delays, methods, dt
and monitors.
"""

import argparse
import json
import os
import sys

from brian2 import (
    Equations,
    Hz,
    NeuronGroup,
    PoissonGroup,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    cm,
    defaultclock,
    device,
    mV,
    ms,
    msiemens,
    nS,
    prefs,
    run,
    second,
    set_device,
    siemens,
    ufarad,
    umetre,
)
import brian2


def cuba(N, duration):
    """Brian's random network demo (CUBA without refractoriness), 80 synapses per neuron."""
    p = 80.0 / N
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    we, wi = 1.62 * mV, -9 * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(N, eqs, threshold="v>Vt", reset="v = Vr", method="exact")
    P.v = "Vr + rand()*(Vt - Vr)"
    Ne = N * 4 // 5
    Ce = Synapses(P[:Ne], P, on_pre="ge += we")
    Ci = Synapses(P[Ne:], P, on_pre="gi += wi")
    Ce.connect(p=p)
    Ci.connect(p=p)
    M = SpikeMonitor(P)
    run(duration * second)
    return M, N, locals()


def coba(N, duration):
    """Vogels & Abbott (2005), Brette et al. (2007) benchmark 1, 5 ms refractory."""
    p = 80.0 / N
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -60 * mV
    Ee, Ei = 0 * mV, -80 * mV
    we, wi = 0.6, 6.7
    eqs = """
    dv/dt = (ge*(Ee-v)+gi*(Ei-v)-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    """
    P = NeuronGroup(
        N, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="euler"
    )
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "randn()*1.5 + 4"
    P.gi = "randn()*12 + 20"
    Ne = N * 4 // 5
    Ce = Synapses(P[:Ne], P, on_pre="ge += we")
    Ci = Synapses(P[Ne:], P, on_pre="gi += wi")
    Ce.connect(p=p)
    Ci.connect(p=p)
    M = SpikeMonitor(P)
    run(duration * second)
    return M, N, locals()


def cobahh(N, duration):
    """Brian 2's examples/COBAHH.py, with a SpikeMonitor for the rate."""
    p = 80.0 / N
    area = 20000 * umetre**2
    Cm = (1 * ufarad * cm**-2) * area
    gl = (5e-5 * siemens * cm**-2) * area
    El, EK, ENa = -60 * mV, -90 * mV, 50 * mV
    g_na = (100 * msiemens * cm**-2) * area
    g_kd = (30 * msiemens * cm**-2) * area
    VT = -63 * mV
    taue, taui = 5 * ms, 10 * ms
    Ee, Ei = 0 * mV, -80 * mV
    we, wi = 6 * nS, 67 * nS
    eqs = Equations("""
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
    """)
    P = NeuronGroup(
        N,
        model=eqs,
        threshold="v>-20*mV",
        refractory=3 * ms,
        method="exponential_euler",
    )
    Ne = N * 4 // 5
    Ce = Synapses(P[:Ne], P, on_pre="ge+=we")
    Ci = Synapses(P[Ne:], P, on_pre="gi+=wi")
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = "El + (randn() * 5 - 5)*mV"
    P.ge = "(randn() * 1.5 + 4) * 10.*nS"
    P.gi = "(randn() * 12 + 20) * 10.*nS"
    trace = StateMonitor(P, "v", record=[1, 10, 100])
    M = SpikeMonitor(P)
    run(duration * second)
    return M, N, locals()


def brunel_hakim(N, duration):
    """Brian 2's examples/frompapers/Brunel_Hakim_1999.py (1 s instead of 0.1 s)."""
    Vr, theta = 10 * mV, 20 * mV
    tau, delta, taurefr = 20 * ms, 2 * ms, 2 * ms
    C = 1000
    sparseness = float(C) / N
    J = 0.1 * mV
    muext, sigmaext = 25 * mV, 1 * mV
    eqs = """
    dV/dt = (-V+muext + sigmaext * sqrt(tau) * xi)/tau : volt
    """
    group = NeuronGroup(
        N, eqs, threshold="V>theta", reset="V=Vr", refractory=taurefr, method="euler"
    )
    group.V = Vr
    conn = Synapses(group, group, on_pre="V += -J", delay=delta)
    conn.connect(p=sparseness)
    M = SpikeMonitor(group)
    LFP = PopulationRateMonitor(group)
    run(duration * second)
    return M, N, locals()


def stdp(N, duration):
    """Brian 2's examples/synapses/STDP.py, with a SpikeMonitor on the output neuron."""
    taum = 10 * ms
    taupre = 20 * ms
    taupost = taupre
    Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
    taue = 5 * ms
    F = 15 * Hz
    gmax = 0.01
    dApre = 0.01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = """
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    """
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(
        1, eqs_neurons, threshold="v>vt", reset="v = vr", method="euler"
    )
    S = Synapses(
        poisson_input,
        neurons,
        """w : 1
           dApre/dt = -Apre / taupre : 1 (event-driven)
           dApost/dt = -Apost / taupost : 1 (event-driven)""",
        on_pre="""ge += w
                  Apre += dApre
                  w = clip(w + Apost, 0, gmax)""",
        on_post="""Apost += dApost
                   w = clip(w + Apre, 0, gmax)""",
    )
    S.connect()
    S.w = "rand() * gmax"
    mon = StateMonitor(S, "w", record=[0, 1])
    s_mon = SpikeMonitor(poisson_input)
    out_mon = SpikeMonitor(neurons)
    run(duration * second)
    return out_mon, 1, locals()


MODELS = {
    "cuba": cuba,
    "coba": coba,
    "cobahh": cobahh,
    "brunel_hakim": brunel_hakim,
    "stdp": stdp,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("directory")
    ap.add_argument("--N", type=int, required=True, help="number of neurons (inputs for stdp)")
    ap.add_argument("--duration", type=float, required=True, help="simulated time in seconds")
    args = ap.parse_args()

    directory = os.path.abspath(args.directory)
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, no OpenMP
    defaultclock.dt = 0.1 * ms
    monitor, n_neurons, _keep = MODELS[args.model](args.N, args.duration)
    device.build(directory=directory, compile=True, run=True, with_output=False)

    manifest = {
        "model": args.model,
        "N": args.N,
        "duration": args.duration,
        "brian2_version": brian2.__version__,
        "project_dir": directory,
        "binary": os.path.join(directory, "main"),
        "last_run_info": os.path.join("results", "last_run_info.txt"),
        # The monitor's spike count: a one-element int32 array written after the run.
        "spike_count_file": os.path.join(
            "results", device.get_array_filename(monitor.variables["N"])
        ),
        "rate_neurons": n_neurons,
        "first_run": {
            "loop_seconds": device._last_run_time,
            "spikes": int(monitor.num_spikes),
        },
    }
    with open(os.path.join(directory, "bench_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest["first_run"]))


if __name__ == "__main__":
    sys.exit(main())
