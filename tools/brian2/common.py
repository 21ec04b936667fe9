"""Shared helpers for the Brian 2 reference-data scripts.

Every script in this directory imports this module to
  * pick the code generation target (default 'numpy', or 'cython' via
    ``--target cython`` / the env var BRIAN2_TARGET),
  * locate the output directory ``tests/data`` of the repository, and
  * write a JSON file with a common ``meta`` block (Brian/numpy/python
    versions, target, dt) plus the data given by the script.

All quantities are stored as plain floats in SI base units (seconds, volts,
siemens, hertz) unless the key name says otherwise.
"""
import argparse
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA_DIR = os.path.join(REPO, "tests", "data")


def parse_args(default_target="numpy", extra=None):
    p = argparse.ArgumentParser()
    p.add_argument(
        "--target",
        default=os.environ.get("BRIAN2_TARGET", default_target),
        choices=["numpy", "cython"],
        help="Brian 2 code generation target",
    )
    p.add_argument("--out", default=None, help="output JSON path (default tests/data/<name>.json)")
    if extra is not None:
        extra(p)
    return p.parse_args()


def setup_brian(target):
    import brian2

    brian2.prefs.codegen.target = target
    brian2.prefs.logging.console_log_level = "WARNING"
    return brian2


def meta(target, **kw):
    import brian2
    import numpy

    m = {
        "brian2_version": brian2.__version__,
        "numpy_version": numpy.__version__,
        "python_version": platform.python_version(),
        "codegen_target": target,
    }
    m.update(kw)
    return m


def floats(x):
    """Convert an array/Quantity (already divided by its unit) to a list of floats."""
    import numpy as np

    return [float(v) for v in np.asarray(x).ravel()]


def write_json(name, data, out=None):
    path = out or os.path.join(DATA_DIR, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=False, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}", file=sys.stderr)
    return path
