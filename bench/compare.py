#!/usr/bin/env python3
"""Side-by-side speed of brian and Brian 2's C++ standalone mode on the same models.

    python3 bench/compare.py                       # every model, 5 runs each
    python3 bench/compare.py --models cuba4k,coba --repeats 3
    python3 bench/compare.py --stdp-duration 10    # a shorter STDP run
    BRIAN2_VENV=/work/venv-brian2 python3 bench/compare.py   # reuse a Brian 2 venv

Makes a Brian 2 virtual environment if there is none, builds brian (cargo build
--release) and each model's Brian 2 standalone binary (once: kept in bench/build/ and
rebuilt only when the model or Brian 2 changes), then runs the two alternately and prints,
for each model, the minimum simulation loop time over the runs of each, their ratio and
the mean firing rates. Loop time only, one thread each: brian's `run: ... simulated in X s`
line, Brian 2's results/last_run_info.txt. Standard library only (any Python 3.8+).
"""

import argparse
import hashlib
import json
import math
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Model:
    def __init__(self, key, label, script, brian2_name, n, duration):
        self.key = key
        self.label = label
        self.script = script  # bench/models/<script>.rhai
        self.brian2_name = brian2_name  # a function of brian2_models.py
        self.n = n
        self.duration = duration  # seconds


def models(stdp_duration):
    return [
        Model("cuba4k", "CUBA 4000 (320k synapses)", "cuba", "cuba", 4000, 1.0),
        Model("cuba64k", "CUBA 64000 (5.1M synapses)", "cuba", "cuba", 64000, 1.0),
        Model("cuba256k", "CUBA 256000 (20M synapses)", "cuba", "cuba", 256000, 0.25),
        Model("cobahh", "COBAHH 4000", "cobahh", "cobahh", 4000, 1.0),
        Model(
            "brunel_hakim",
            "Brunel-Hakim 5000 (5M synapses, 2 ms delay, noise)",
            "brunel_hakim",
            "brunel_hakim",
            5000,
            1.0,
        ),
        Model("coba", "COBA 4000 (Vogels-Abbott, 5 ms refractory)", "coba", "coba", 4000, 1.0),
        Model(
            "stdp",
            "STDP (1000 Poisson inputs, 1 neuron)",
            "stdp",
            "stdp",
            1000,
            stdp_duration,
        ),
    ]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(1)


def run_checked(cmd, **kw):
    """Runs cmd; on failure prints its output and stops."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        log(p.stdout)
        die("command failed (exit %d): %s" % (p.returncode, " ".join(cmd)))
    return p.stdout


# ---------------------------------------------------------------- Brian 2 side


def ensure_venv(venv):
    python = os.path.join(venv, "bin", "python")
    if os.path.exists(python):
        return python
    log("making a Brian 2 virtual environment in %s (Python 3.13)" % venv)
    env = dict(os.environ, PYENV_VERSION="3.13.0")
    py313 = shutil.which("python3.13")
    if py313 is None:
        die("python3.13 is needed to make the Brian 2 venv (or set BRIAN2_VENV to an existing one)")
    run_checked([py313, "-m", "venv", venv], env=env)
    req = os.path.join(REPO, "tools", "brian2", "requirements.txt")
    run_checked([os.path.join(venv, "bin", "pip"), "install", "-r", req])
    return python


def brian2_version(python):
    return run_checked([python, "-c", "import brian2; print(brian2.__version__)"]).strip()


def stamp_of(model, b2version):
    """What a Brian 2 build depends on: the model code, its size, Brian 2's version."""
    h = hashlib.sha256()
    with open(os.path.join(HERE, "brian2_models.py"), "rb") as f:
        h.update(f.read())
    h.update(("%s %s %r %s" % (model.brian2_name, model.n, model.duration, b2version)).encode())
    return h.hexdigest()


def read_count(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != 4:
        die("%s: expected one int32, got %d bytes" % (path, len(data)))
    return struct.unpack("<i", data)[0]


def build_brian2(model, python, b2version, build_dir, force):
    """Builds (or reuses) the model's standalone project; returns its manifest."""
    directory = os.path.join(
        build_dir, "brian2", "%s-N%d-T%s" % (model.brian2_name, model.n, model.duration)
    )
    stamp_file = os.path.join(directory, "bench_stamp")
    manifest_file = os.path.join(directory, "bench_manifest.json")
    stamp = stamp_of(model, b2version)
    if not force and os.path.exists(stamp_file) and os.path.exists(manifest_file):
        with open(stamp_file) as f:
            if f.read().strip() == stamp:
                with open(manifest_file) as g:
                    return json.load(g)
    log("building Brian 2 standalone %s (N=%d, %g s) in %s" % (model.key, model.n, model.duration, directory))
    if os.path.exists(stamp_file):
        os.remove(stamp_file)
    started = time.time()
    run_checked(
        [
            python,
            os.path.join(HERE, "brian2_models.py"),
            model.brian2_name,
            directory,
            "--N",
            str(model.n),
            "--duration",
            repr(model.duration),
        ],
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    with open(manifest_file) as f:
        manifest = json.load(f)
    # The files the reruns will read must give what Brian 2 itself read after its run.
    count = read_count(os.path.join(directory, manifest["spike_count_file"]))
    if count != manifest["first_run"]["spikes"]:
        die("%s: spike count file gives %d, Brian 2 read %d" % (directory, count, manifest["first_run"]["spikes"]))
    with open(stamp_file, "w") as f:
        f.write(stamp)
    log("  built in %.0f s" % (time.time() - started))
    return manifest


def run_brian2(manifest):
    """Reruns the compiled binary; returns (loop seconds, spikes)."""
    directory = manifest["project_dir"]
    results = os.path.join(directory, "results")
    info = os.path.join(directory, manifest["last_run_info"])
    if os.path.exists(info):
        os.remove(info)
    run_checked(
        [manifest["binary"], "--results_dir", results + os.sep],
        cwd=directory,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    with open(info) as f:
        seconds, fraction = f.read().split()
    if float(fraction) != 1.0:
        die("%s: the run completed only %s of its duration" % (directory, fraction))
    return float(seconds), read_count(os.path.join(directory, manifest["spike_count_file"]))


# ---------------------------------------------------------------- brian side

RUN_LINE = re.compile(r"^run: .* simulated in ([0-9.]+) s \((\d+) steps\)")
RATE_LINE = re.compile(r"^bench-rate: ([0-9.eE+-]+)$")


def brian_script(model, build_dir):
    """The model's script with its N and duration set (the `let` lines replaced)."""
    with open(os.path.join(HERE, "models", model.script + ".rhai")) as f:
        text = f.read()
    for name, value in (("N", str(model.n)), ("duration", "%r*second" % model.duration)):
        pattern = re.compile(r"^let %s = .*;$" % name, re.M)
        if len(pattern.findall(text)) != 1:
            die("models/%s.rhai needs exactly one line `let %s = ...;`" % (model.script, name))
        text = pattern.sub(lambda _m: "let %s = %s;" % (name, value), text)
    out_dir = os.path.join(build_dir, "brian")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, model.key + ".rhai")
    with open(path, "w") as f:
        f.write(text)
    return path


def brian_command(binary, threads=1):
    cmd = [binary, "--no-plots"]
    # One thread by default: brian reads BRIAN_NUM_THREADS (set below); pass --threads
    # when it exists.
    help_text = run_checked([binary, "--help"])
    if "--threads" in help_text:
        cmd += ["--threads", str(threads)]
    return cmd


def run_brian(cmd, script, steps_expected):
    """Runs the script; returns (loop seconds, rate in Hz)."""
    out = run_checked(cmd + [script], env=dict(os.environ, BRIAN_NUM_THREADS=cmd[-1] if "--threads" in cmd else "1"))
    runs = [RUN_LINE.match(line) for line in out.splitlines()]
    runs = [m for m in runs if m]
    rates = [RATE_LINE.match(line) for line in out.splitlines()]
    rates = [m for m in rates if m]
    if len(runs) != 1 or len(rates) != 1:
        log(out)
        die("%s: expected one run summary and one bench-rate line" % script)
    if int(runs[0].group(2)) != steps_expected:
        die("%s: %s steps, expected %d" % (script, runs[0].group(2), steps_expected))
    return float(runs[0].group(1)), float(rates[0].group(1))


# ---------------------------------------------------------------- report


def versions(b2version):
    def out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO).stdout.strip()
        except OSError:
            return "?"

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "?"
    commit = out(["git", "rev-parse", "--short", "HEAD"])
    if out(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " (with uncommitted changes)"
    return {
        "brian commit": commit,
        "Brian 2": b2version,
        "rustc": out(["rustc", "-V"]),
        "g++": (out(["g++", "--version"]).splitlines() or ["?"])[0],
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
    }


def summary(values):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, sd


def table(selected, results):
    rows = [
        "| model | simulated | brian (s) | Brian 2 C++ (s) | brian / Brian 2 | brian rate (Hz) | Brian 2 rate (Hz) |",
        "|---|---|---|---|---|---|---|",
    ]
    warnings = []
    for m in selected:
        r = results[m.key]
        tb, t2 = min(r["brian_seconds"]), min(r["brian2_seconds"])
        rb, sb = summary(r["brian_rates"])
        r2, s2 = summary(r["brian2_rates"])
        rows.append(
            "| %s | %g s | %.3f | %.3f | %.2f | %.2f ± %.2f | %.2f ± %.2f |"
            % (m.label, m.duration, tb, t2, tb / t2, rb, sb, r2, s2)
        )
        n = len(r["brian_rates"])
        spread = 3 * math.sqrt((sb**2 + s2**2) / n)
        if abs(rb - r2) > max(0.1 * r2, spread):
            warnings.append(
                "warning: %s: brian's rate %.2f Hz and Brian 2's %.2f Hz differ by more than"
                " 10%% and 3 standard errors" % (m.key, rb, r2)
            )
    return "\n".join(rows), warnings


def main():
    ap = argparse.ArgumentParser(
        description="brian against Brian 2 C++ standalone: simulation loop time, one thread each."
    )
    ap.add_argument("--models", help="comma-separated keys (default: all; see --list)")
    ap.add_argument("--list", action="store_true", help="list the models and stop")
    ap.add_argument("--repeats", type=int, default=5, help="runs of each simulator per model (default 5)")
    ap.add_argument(
        "--threads", type=int, default=1,
        help="threads for brian (default 1; Brian 2 C++ stays on one: a ratio against it is then not like for like)",
    )
    ap.add_argument(
        "--stdp-duration", type=float, default=100.0, help="simulated seconds of STDP (default 100)"
    )
    ap.add_argument(
        "--brian2-venv",
        default=os.environ.get("BRIAN2_VENV", os.path.join(HERE, "build", "venv-brian2")),
        help="Brian 2 virtual environment, made if missing (default $BRIAN2_VENV or bench/build/venv-brian2)",
    )
    ap.add_argument("--build-dir", default=os.path.join(HERE, "build"), help="where builds go (default bench/build)")
    ap.add_argument("--brian", default=os.path.join(REPO, "target", "release", "brian-script"), help="the brian-script binary")
    ap.add_argument("--no-cargo-build", action="store_true", help="do not run cargo build --release first")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the Brian 2 binaries")
    ap.add_argument("--json", help="also write every run's numbers to this file")
    args = ap.parse_args()

    every = models(args.stdp_duration)
    if args.list:
        for m in every:
            print("%-13s %s, N=%d, %g s" % (m.key, m.label, m.n, m.duration))
        return 0
    if args.models:
        keys = [k.strip() for k in args.models.split(",") if k.strip()]
        unknown = [k for k in keys if k not in {m.key for m in every}]
        if unknown:
            die("unknown model(s) %s; known: %s" % (", ".join(unknown), ", ".join(m.key for m in every)))
        selected = [m for m in every if m.key in keys]
    else:
        selected = every
    if args.repeats < 1:
        die("--repeats must be at least 1")
    if not (args.stdp_duration > 0):
        die("--stdp-duration must be positive")

    started = time.time()
    python = ensure_venv(os.path.abspath(args.brian2_venv))
    b2version = brian2_version(python)
    if not args.no_cargo_build:
        log("cargo build --release")
        run_checked(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    if not os.path.exists(args.brian):
        die("no brian-script at %s" % args.brian)
    cmd = brian_command(args.brian, args.threads)
    build_dir = os.path.abspath(args.build_dir)
    manifests = {m.key: build_brian2(m, python, b2version, build_dir, args.rebuild) for m in selected}
    scripts = {m.key: brian_script(m, build_dir) for m in selected}

    results = {m.key: {"brian_seconds": [], "brian2_seconds": [], "brian_rates": [], "brian2_rates": []} for m in selected}
    for rep in range(args.repeats):
        for m in selected:
            steps = int(round(m.duration / 1e-4))
            # Alternate who goes first, so neither always runs on a warmer (or busier) machine.
            order = ("brian", "brian2") if rep % 2 == 0 else ("brian2", "brian")
            for who in order:
                r = results[m.key]
                if who == "brian":
                    secs, rate = run_brian(cmd, scripts[m.key], steps)
                    r["brian_seconds"].append(secs)
                    r["brian_rates"].append(rate)
                else:
                    secs, spikes = run_brian2(manifests[m.key])
                    r["brian2_seconds"].append(secs)
                    r["brian2_rates"].append(spikes / (manifests[m.key]["rate_neurons"] * m.duration))
            r = results[m.key]
            log(
                "run %d/%d %-13s brian %.3f s, Brian 2 %.4f s"
                % (rep + 1, args.repeats, m.key, r["brian_seconds"][-1], r["brian2_seconds"][-1])
            )

    text, warnings = table(selected, results)
    info = versions(b2version)
    print()
    print("Simulation loop only, one thread each, dt = 0.1 ms; minimum of %d alternating runs;" % args.repeats)
    print("rates are spikes per neuron per second, mean ± sd over the runs (STDP: the output neuron).")
    print()
    print(text)
    print()
    for k, v in info.items():
        print("%s: %s" % (k, v))
    print("total time: %.0f s" % (time.time() - started))
    for w in warnings:
        log(w)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "versions": info,
                    "repeats": args.repeats,
                    "models": {m.key: dict(label=m.label, N=m.n, duration=m.duration, **results[m.key]) for m in selected},
                },
                f,
                indent=1,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
