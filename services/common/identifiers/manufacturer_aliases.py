"""Manufacturer alias table: canonical name -> aliases (data, edit freely).

Aliases go through the same structural normalization as user input (case,
accents, punctuation, "&" = "and", legal forms such as "Ltd", "GmbH", "JSC"
at either end), so "Heckler & Koch GmbH" needs no entry of its own.

Only aliases we are confident name the same maker (or its direct legal
successor, which is who answers a tracing request) belong here. Model names
("Type 56", "AKM") are not manufacturers and must not be added. Bare
"Arsenal" is absent on purpose: several unrelated companies use it. A
canonical name is an alias of itself; an alias claimed by two canonical names
fails at import.
"""

from typing import Final

MANUFACTURER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "Norinco": (
        "China North Industries",
        "China North Industries Group",
        "Norinco Group",
    ),
    # Izhmash (Izhevsk Machine-Building Plant) and the Izhevsk Mechanical
    # Plant (IMZ, Makarov pistols) were merged into Kalashnikov Concern in
    # 2013; the concern is their successor for tracing.
    "Kalashnikov Concern": (
        "Kalashnikov",
        "Concern Kalashnikov",
        "Kalashnikov Group",
        "Izhmash",
        "Izhevsk Machine-Building Plant",
        "Izhevsk Mechanical Plant",
        "Ижмаш",
        "Концерн Калашников",
    ),
    "FN Herstal": (
        "FN",
        "Fabrique Nationale",
        "Fabrique Nationale d'Herstal",
        "Fabrique Nationale de Herstal",
        "Fabrique Nationale d'Armes de Guerre",
    ),
    "Heckler & Koch": ("H&K", "HK", "Heckler Koch"),
    "Zastava Arms": (
        "Zastava",
        "Zastava Oružje",
        "Crvena Zastava",
        "Zavodi Crvena Zastava",
    ),
    "Tula Arms Plant": (
        "TOZ",
        "Tula Arms Factory",
        "Tulsky Oruzheiny Zavod",
        "Тульский оружейный завод",
        "ТОЗ",
    ),
    "Arsenal (Bulgaria)": ("Arsenal Kazanlak",),
    "Cugir": ("Uzina Mecanica Cugir", "UM Cugir", "Fabrica de Arme Cugir"),
    "FEG": ("Fegyver- és Gépgyár",),
    "Colt": (
        "Colt's",
        "Colt's Manufacturing Company",
        "Colt's Patent Fire Arms Manufacturing Company",
        "Colt Defense",
    ),
    "Beretta": ("Pietro Beretta", "P. Beretta", "Fabbrica d'Armi Pietro Beretta"),
    "Steyr": ("Steyr Mannlicher", "Steyr Arms", "Steyr-Daimler-Puch"),
    # IWI is the small-arms business of Israel Military Industries, split off
    # in 2005. IMI's ammunition business is a different company today, so a
    # headstamp "IMI" is only a lead, not an identity.
    "Israel Weapon Industries": ("IWI", "IMI", "Israel Military Industries"),
    "MKEK": (
        "MKE",
        "Makina ve Kimya Endüstrisi Kurumu",
        "Makine ve Kimya Endüstrisi Kurumu",
        "Makina ve Kimya Endüstrisi",
    ),
}
