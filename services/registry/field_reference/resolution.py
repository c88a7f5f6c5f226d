"""Resolving what the field records as written: a presumed user to an armed group, a
headstamp to a maker and a year.

Records keep what was declared; these resolutions are the registry's reading of it,
stored beside it in the index (and redone when a declaration is delivered again).

- A presumed user resolves to the group one of whose code, name or aliases it is,
  once normalized as serials are (``common.identifiers.normalize_serial``: case,
  accents, confusable letters and separators folded), so "Katibat Massina",
  "katibat-macina" and "KATIBAT MACINA" name one group. Anything else (a description,
  two groups) resolves to nothing.
- A headstamp is read as tokens (split on spaces and punctuation): the first token
  that is a known factory code names the maker; of the others, one that reads as a
  year (four digits, or two read in the century that does not put it after the
  event) gives the year of manufacture. "539 15" found in 2019 is Tula, 2015.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.identifiers import normalize_serial
from services.registry.models import ArmedGroup, HeadstampCode

_TOKENS = re.compile(r"[\s\-_./\\|,;:*()\[\]]+")


def name_key(text: str) -> str:
    """The form names and aliases are compared in."""
    return normalize_serial(text)


def headstamp_code_key(code: str) -> str:
    """The form headstamp codes are compared in."""
    return code.strip().casefold()


@dataclass(frozen=True)
class GroupDirectory:
    """The armed groups by every normalized name, and each group's ``part_of`` chain."""

    by_name: dict[str, str]
    part_of: dict[str, str | None]

    @classmethod
    def of(cls, groups: Iterable[ArmedGroup]) -> GroupDirectory:
        """A directory of ``groups``."""
        by_name: dict[str, str] = {}
        part_of: dict[str, str | None] = {}
        for group in groups:
            part_of[group.code] = group.part_of
            for name in (group.code, group.name, *group.aliases):
                key = name_key(name)
                if key:
                    by_name.setdefault(key, group.code)
        return cls(by_name, part_of)

    def resolve(self, presumed_user: str | None) -> str | None:
        """The code of the group ``presumed_user`` names, or None."""
        if not presumed_user:
            return None
        return self.by_name.get(name_key(presumed_user))

    def lineage(self, code: str | None) -> set[str]:
        """``code`` and every group it is part of, transitively."""
        found: set[str] = set()
        while code is not None and code not in found:
            found.add(code)
            code = self.part_of.get(code)
        return found


@dataclass(frozen=True)
class ReadHeadstamp:
    """What a headstamp says: the maker of its factory code and its year, where known."""

    maker: str | None
    year: int | None


def read_headstamp(
    headstamp: str | None, codes: Iterable[HeadstampCode], *, event_year: int
) -> ReadHeadstamp:
    """The maker and year a headstamp states (see the module's rules)."""
    if not headstamp:
        return ReadHeadstamp(None, None)
    makers = {headstamp_code_key(c.code): c.maker for c in codes}
    tokens = [t for t in _TOKENS.split(headstamp) if t]
    maker = None
    rest = tokens
    for position, token in enumerate(tokens):
        if headstamp_code_key(token) in makers:
            maker = makers[headstamp_code_key(token)]
            rest = tokens[:position] + tokens[position + 1 :]
            break
    years = [y for y in (_year(token, event_year) for token in rest) if y is not None]
    return ReadHeadstamp(maker, years[0] if len(years) == 1 else None)


def _year(token: str, event_year: int) -> int | None:
    if not token.isdigit():
        return None
    if len(token) == 4 and 1900 <= int(token) <= event_year:
        return int(token)
    if len(token) == 2:
        year = 2000 + int(token)
        return year if year <= event_year else 1900 + int(token)
    return None
