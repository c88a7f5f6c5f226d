"""Weapon models: one match key for the spellings of a model designation.

"AK-47", "AK 47" and "ak47" are one model. The serial rules would be wrong
here (a model's "O" is a letter, not a zero), so the key keeps letters and
digits only, upper-cased. There is no alias table: models are not makers
("Type 56" is a model, see `manufacturer_aliases`), and which designations
name the same weapon is a judgement for the person tracing, not for a key.
"""


def model_key(raw: str) -> str:
    """The match key of a weapon model ("AK-47" -> "AK47")."""
    return "".join(char for char in raw.upper() if char.isalnum())
