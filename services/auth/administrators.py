"""Who administers an organisation: the operator (every organisation) or one organisation's
``admin`` person (their own only).

A value, not a lookup: ``people.service.administrator`` builds it from the caller's token
and their person record; the people, clients and sessions domains take it as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Administrator:
    """Who may administer: the operator (any organisation) or one organisation."""

    operator: bool
    organisation: str

    def may_act_on(self, organisation: str) -> bool:
        """True for the operator, or for the administrator's own organisation."""
        return self.operator or organisation == self.organisation

    def within(self, organisation: str | None) -> str | None:
        """The organisation a list is confined to: the asked one for the operator (None:
        every one), the administrator's own otherwise."""
        return organisation if self.operator else self.organisation


# Bootstrap and ``regctl``: someone at the server administers every organisation.
ON_THE_SERVER = Administrator(operator=True, organisation="")
