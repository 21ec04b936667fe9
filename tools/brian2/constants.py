"""Brian 2's physical constants (brian2.units.constants), for tests/units_constants.rs:
each constant's value in SI units and its dimension as exponents of (metre, kilogram,
second, amp, kelvin, mole, candela).

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
write_json("constants.json", data)
