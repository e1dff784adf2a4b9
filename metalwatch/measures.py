"""Units of mass: the one home of their exact definitions (standard library only).

Every conversion between masses in metalwatch (analytics, price files, the COMEX stock
cross-check) reads these. The troy ounce is 31.1034768 g, the avoirdupois pound 0.45359237 kg
and the short ton 2,000 lb = 907.18474 kg, all exact by definition.

>>> round(TONNE_KG / TROY_OUNCE_KG, 4)
32150.7466
"""

from __future__ import annotations

#: Grams per troy ounce (exact).
TROY_OUNCE_G = 31.1034768
#: Kilograms per unit of mass (exact definitions).
TROY_OUNCE_KG = 0.0311034768
POUND_KG = 0.45359237
SHORT_TON_KG = 907.18474
GRAM_KG = 0.001
TONNE_KG = 1000.0

#: Kilograms per unit, by the unit names of the registry (``USD/oz``, ``CNY/t``, ``short t``).
MASS_KG: dict[str, float] = {
    "oz": TROY_OUNCE_KG,
    "lb": POUND_KG,
    "g": GRAM_KG,
    "kg": 1.0,
    "t": TONNE_KG,
    "short t": SHORT_TON_KG,
}


__all__ = [
    "GRAM_KG",
    "MASS_KG",
    "POUND_KG",
    "SHORT_TON_KG",
    "TONNE_KG",
    "TROY_OUNCE_G",
    "TROY_OUNCE_KG",
]
