#!/usr/bin/env bash
# Regenerate all Brian 2 reference data in tests/data/.
# Creates the venv (outside the repo) on first use.  Usage: tools/brian2/run_all.sh [--target cython]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${BRIAN2_VENV:-/work/venv-brian2}"
if [ ! -x "$VENV/bin/python" ]; then
    PY="${PYTHON:-python3.13}"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -r "$HERE/requirements.txt"
fi
cd "$HERE"
for s in lif_isi hh_single cuba_rates cobahh_rate schedule_semantics differences conditional_writes brunel2000_scaled clocks variables variables_more stdp_weights magic_run stale_names run_regularly custom_events run_report network_operation refractory_semantics constants connect_generator linked_variables string_indices smooth_rate get_states numpy_arrays examples; do
    echo "== $s" >&2
    "$VENV/bin/python" "$s.py" "$@"
done
