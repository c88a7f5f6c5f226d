"""Reference lists: weapon categories, ammunition types and how losses happen, with English
and French labels.

Categories follow the UN Register of Conventional Arms and International
Tracing Instrument usage (small arms, then light weapons); the codes are part
of the API contract.
"""

from __future__ import annotations

from typing import Final

from services.registry.reference.schemas import LabelledCode

WEAPON_CATEGORIES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(
        code="revolver_pistol",
        group="small_arms",
        label_en="Revolvers and self-loading pistols",
        label_fr="Revolvers et pistolets à chargement automatique",
    ),
    LabelledCode(
        code="rifle_carbine",
        group="small_arms",
        label_en="Rifles and carbines",
        label_fr="Fusils et carabines",
    ),
    LabelledCode(
        code="submachine_gun",
        group="small_arms",
        label_en="Sub-machine guns",
        label_fr="Pistolets mitrailleurs",
    ),
    LabelledCode(
        code="assault_rifle",
        group="small_arms",
        label_en="Assault rifles",
        label_fr="Fusils d'assaut",
    ),
    LabelledCode(
        code="light_machine_gun",
        group="small_arms",
        label_en="Light machine guns",
        label_fr="Mitrailleuses légères",
    ),
    LabelledCode(
        code="heavy_machine_gun",
        group="light_weapons",
        label_en="Heavy machine guns",
        label_fr="Mitrailleuses lourdes",
    ),
    LabelledCode(
        code="grenade_launcher",
        group="light_weapons",
        label_en="Hand-held under-barrel and mounted grenade launchers",
        label_fr="Lance-grenades portatifs, amovibles ou montés",
    ),
    LabelledCode(
        code="portable_anti_aircraft_gun",
        group="light_weapons",
        label_en="Portable anti-aircraft guns",
        label_fr="Canons antiaériens portatifs",
    ),
    LabelledCode(
        code="portable_anti_tank_gun",
        group="light_weapons",
        label_en="Portable anti-tank guns",
        label_fr="Canons antichars portatifs",
    ),
    LabelledCode(
        code="recoilless_rifle",
        group="light_weapons",
        label_en="Recoilless rifles",
        label_fr="Fusils sans recul",
    ),
    LabelledCode(
        code="anti_tank_launcher",
        group="light_weapons",
        label_en="Portable launchers of anti-tank missile and rocket systems",
        label_fr="Lanceurs portatifs de missiles et roquettes antichars",
    ),
    LabelledCode(
        code="manpads",
        group="light_weapons",
        label_en="Portable launchers of anti-aircraft missile systems (MANPADS)",
        label_fr="Lanceurs portatifs de systèmes de missiles antiaériens (MANPADS)",
    ),
    LabelledCode(
        code="mortar",
        group="light_weapons",
        label_en="Mortars of calibres of less than 100 mm",
        label_fr="Mortiers de calibre inférieur à 100 mm",
    ),
    LabelledCode(
        code="shotgun",
        group="small_arms",
        label_en="Shotguns",
        label_fr="Fusils de chasse",
    ),
    LabelledCode(
        code="craft_made",
        group="small_arms",
        label_en="Craft-made weapons",
        label_fr="Armes de fabrication artisanale",
    ),
    LabelledCode(code="other", group="other", label_en="Other", label_fr="Autre"),
)

AMMUNITION_TYPES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(code="ball", label_en="Ball (ordinary)", label_fr="Ordinaire"),
    LabelledCode(code="tracer", label_en="Tracer", label_fr="Traçante"),
    LabelledCode(code="armour_piercing", label_en="Armour-piercing", label_fr="Perforante"),
    LabelledCode(
        code="armour_piercing_incendiary",
        label_en="Armour-piercing incendiary",
        label_fr="Perforante incendiaire",
    ),
    LabelledCode(code="incendiary", label_en="Incendiary", label_fr="Incendiaire"),
    LabelledCode(code="high_explosive", label_en="High explosive", label_fr="Explosive"),
    LabelledCode(
        code="high_explosive_dual_purpose",
        label_en="High explosive dual purpose",
        label_fr="Explosive à double effet",
    ),
    LabelledCode(code="smoke", label_en="Smoke", label_fr="Fumigène"),
    LabelledCode(code="illumination", label_en="Illumination", label_fr="Éclairante"),
    LabelledCode(code="buckshot", label_en="Buckshot", label_fr="Chevrotine"),
    LabelledCode(code="blank", label_en="Blank", label_fr="À blanc"),
    LabelledCode(code="practice", label_en="Practice / training", label_fr="D'exercice"),
    LabelledCode(code="other", label_en="Other", label_fr="Autre"),
)


ORDNANCE_TYPES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(code="mortar_bomb", label_en="Mortar bomb", label_fr="Obus de mortier"),
    LabelledCode(code="rocket", label_en="Rocket", label_fr="Roquette"),
    LabelledCode(code="projectile", label_en="Projectile (shell)", label_fr="Projectile (obus)"),
    LabelledCode(code="hand_grenade", label_en="Hand grenade", label_fr="Grenade à main"),
    LabelledCode(code="rifle_grenade", label_en="Rifle grenade", label_fr="Grenade à fusil"),
    LabelledCode(
        code="anti_personnel_mine", label_en="Anti-personnel mine", label_fr="Mine antipersonnel"
    ),
    LabelledCode(
        code="anti_vehicle_mine", label_en="Anti-vehicle mine", label_fr="Mine antivéhicule"
    ),
    LabelledCode(code="other", label_en="Other", label_fr="Autre"),
)

EXPLOSIVE_TYPES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(code="bulk_explosive", label_en="Bulk explosive", label_fr="Explosif en vrac"),
    LabelledCode(code="detonator", label_en="Detonator", label_fr="Détonateur"),
    LabelledCode(code="detonating_cord", label_en="Detonating cord", label_fr="Cordeau détonant"),
    LabelledCode(code="other", label_en="Other", label_fr="Autre"),
)

LOSS_CIRCUMSTANCES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(code="ambush", label_en="Ambush", label_fr="Embuscade"),
    LabelledCode(
        code="attack_on_base", label_en="Attack on a base", label_fr="Attaque contre une base"
    ),
    LabelledCode(
        code="theft_from_armoury",
        label_en="Theft from an armoury",
        label_fr="Vol dans une armurerie",
    ),
    LabelledCode(code="accident", label_en="Accident", label_fr="Accident"),
    LabelledCode(code="other", label_en="Other", label_fr="Autre"),
)

SERIAL_STATUSES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(code="present", label_en="Serial present", label_fr="Numéro présent"),
    LabelledCode(code="obliterated", label_en="Serial obliterated", label_fr="Numéro effacé"),
    LabelledCode(
        code="partial", label_en="Partly legible serial", label_fr="Numéro partiellement lisible"
    ),
    LabelledCode(code="none", label_en="Never marked", label_fr="Jamais marqué"),
)

INCIDENT_TYPES: Final[tuple[LabelledCode, ...]] = (
    LabelledCode(
        code="attack_on_mission",
        label_en="Attack on the mission",
        label_fr="Attaque contre la mission",
    ),
    LabelledCode(
        code="attack_on_national_forces",
        label_en="Attack on national forces",
        label_fr="Attaque contre les forces nationales",
    ),
    LabelledCode(code="cache", label_en="Arms cache", label_fr="Cache d'armes"),
    LabelledCode(
        code="checkpoint_seizure",
        label_en="Seizure at a checkpoint",
        label_fr="Saisie à un poste de contrôle",
    ),
    LabelledCode(
        code="ddr",
        label_en="Disarmament, demobilization and reintegration",
        label_fr="Désarmement, démobilisation et réintégration",
    ),
    LabelledCode(
        code="voluntary_surrender", label_en="Voluntary surrender", label_fr="Remise volontaire"
    ),
    LabelledCode(code="banditry", label_en="Banditry", label_fr="Banditisme"),
    LabelledCode(code="other", label_en="Other", label_fr="Autre"),
)


def labelled(name: str) -> list[LabelledCode]:
    """One of the lists served under ``/registry/v1/reference/{name}``."""
    return list(LISTS[name])


def weapon_categories() -> list[LabelledCode]:
    """The 16 weapon category codes of the contract with their labels."""
    return list(WEAPON_CATEGORIES)


def ammunition_types() -> list[LabelledCode]:
    """Ammunition type codes with their labels."""
    return list(AMMUNITION_TYPES)


def loss_circumstances() -> list[LabelledCode]:
    """How a loss happened, as loss reports record it (``circumstance``), with labels."""
    return list(LOSS_CIRCUMSTANCES)


# The lists served by name (the router's paths), each a closed set of codes.
LISTS: Final[dict[str, tuple[LabelledCode, ...]]] = {
    "ordnance-types": ORDNANCE_TYPES,
    "explosive-types": EXPLOSIVE_TYPES,
    "serial-statuses": SERIAL_STATUSES,
    "incident-types": INCIDENT_TYPES,
}
