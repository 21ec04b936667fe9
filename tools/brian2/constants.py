"""Brian 2's physical constants (brian2.units.constants), for tests/units_constants.rs:
each constant's value in SI units and its dimension as exponents of (metre, kilogram,
second, amp, kelvin, mole, candela). Also, under "functions", what Brian 2's
get_dimensions, have_same_dimensions, is_dimensionless and in_unit give for a few
expressions (written the same in Python and in a brian script).

Re-run:  /work/venv-brian2/bin/python tools/brian2/constants.py
"""
from common import meta, parse_args, setup_brian, write_json

args = parse_args()
b2 = setup_brian(args.target)
import brian2.units.constants as c  # noqa: E402
from brian2 import get_dimensions  # noqa: E402

NAMES = [
    "avogadro_constant", "boltzmann_constant", "electric_constant", "electron_mass",
    "elementary_charge", "faraday_constant", "gas_constant", "magnetic_constant",
    "molar_mass_constant", "zero_celsius",
]
data = {"meta": meta(args.target)}
for n in NAMES:
    q = getattr(c, n)
    data[n] = {
        "value": float(q),
        "dims": [float(x) for x in get_dimensions(q)._dims],
    }
from brian2 import (  # noqa: E402,F401
    get_dimensions, have_same_dimensions, in_unit, is_dimensionless, mV, nS, ms, second,
    volt, siemens, Hz,
)

EXPRESSIONS = [
    "have_same_dimensions(1*mV, 2*volt)",
    "have_same_dimensions(1*mV, 2*nS)",
    "have_same_dimensions(3, 4.5)",
    "is_dimensionless(3.0)",
    "is_dimensionless(1*mV)",
    "is_dimensionless(1*mV/volt)",
    "str(get_dimensions(1*mV))",
    "str(get_dimensions(2*nS/ms))",
    "str(get_dimensions(3.0))",
    "get_dimensions(1*mV) == get_dimensions(5*volt)",
    "in_unit(3*mV, volt)",
    "in_unit(3*mV, mV)",
    "in_unit(250*Hz, Hz)",
    "in_unit(0.5*second, ms)",
]
data["functions"] = {e: eval(e) for e in EXPRESSIONS}
write_json("constants.json", data)
