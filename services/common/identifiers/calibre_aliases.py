"""Calibre alias table: canonical name -> aliases (data, edit freely).

Every alias is normalized with the same structural rules as user input, so
spacing, case, decimal comma, "×"/"x"/"*" and a "mm" after a number need not
be spelled out: "7,62 × 39 mm" already reaches "7.62x39". List only aliases
that are unambiguous in this domain: a bare "7.62", "12.7", "9mm" or "40mm"
names several cartridges and is deliberately absent, so it stays as typed
(structurally normalized) rather than being guessed. A canonical name is an
alias of itself; an alias claimed by two canonical names fails at import.
"""

from typing import Final

CALIBRE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    # Rifle and machine-gun cartridges.
    "7.62x39mm": ("7.62x39", "7.62x39mm M43"),
    "7.62x51mm NATO": ("7.62x51", "7.62 NATO", ".308 Win", ".308 Winchester"),
    "7.62x54mmR": ("7.62x54R", "7.62x54", "7.62x54 Rimmed"),
    "5.56x45mm NATO": ("5.56x45", "5.56 NATO", "5.56", ".223 Rem", ".223 Remington"),
    "5.45x39mm": ("5.45x39", "5.45"),
    "12.7x108mm": ("12.7x108",),
    "12.7x99mm NATO": ("12.7x99", ".50 BMG", ".50 Browning", ".50 cal", "50 BMG"),
    "14.5x114mm": ("14.5x114", "14.5"),
    "23x152mm": ("23x152", "23x152B"),
    # Pistol and sub-machine-gun cartridges.
    "9x19mm": ("9x19", "9mm Parabellum", "9mm Luger", "9mm Para", "9mm NATO"),
    "9x18mm Makarov": ("9x18", "9mm Makarov", "9x18 PM", "9mm PM"),
    "7.62x25mm Tokarev": ("7.62x25", "7.62 Tokarev", "7.62x25 TT", "7.62mm TT"),
    ".45 ACP": ("45 ACP", ".45 Auto", "11.43x23"),
    "7.65mm Browning": (".32 ACP", "32 ACP", "7.65x17", "7.65 Browning"),
    ".38 Special": ("38 Special", ".38 Spl", "38 Spl"),
    # Shotgun.
    "12 gauge": ("12 ga", "12ga", "12 bore", "12G", "12 gauge shotgun"),
    # Grenades, rockets, mortars, recoilless weapons.
    "40mm grenade": ("40mm GL grenade", "40mm GL"),
    "40x46mm": ("40x46", "40x46 LV"),
    "40x53mm": ("40x53", "40x53 HV"),
    "RPG-7": ("RPG7", "RPG-7V", "PG-7", "PG-7V", "PG-7VM", "PG-7VL", "OG-7V"),
    "73mm SPG-9": ("SPG-9", "PG-9", "OG-9"),
    "60mm mortar": ("60mm mortar bomb",),
    "81mm mortar": ("81mm mortar bomb",),
    "82mm mortar": ("82mm mortar bomb",),
    "120mm mortar": ("120mm mortar bomb",),
    "106mm recoilless": ("106mm recoilless rifle", "106mm RR", "106mm RCL"),
}
