"""The console's languages: English (the message ids), French, Portuguese and Spanish.

Messages go through gettext catalogues managed with Babel: ``locale/messages.pot``
is extracted from the Python code and templates (``babel.cfg``), each language has
its ``locale/<lang>/LC_MESSAGES/messages.po``, read at start (no compile step).
Python code marks the strings it shows with :func:`N_` and translates them when
rendering. ``?lang=`` wins (and is remembered in a cookie), then the person's earlier
choice, then ``Accept-Language``; dates and numbers are formatted per locale.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from fastapi import Request

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "fr", "pt", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "pt": "Português", "es": "Español"}
LANG_COOKIE = "console-lang"
Gettext = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked string
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@cache
def catalogue(lang: str) -> dict[str, str]:
    """``lang``'s translations (msgid -> msgstr), empty for English."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    return {
        str(message.id): str(message.string)
        for message in po
        if message.id and message.string and not message.fuzzy
    }


class UntranslatedMessage(UserWarning):
    """A message shown in English because ``lang``'s catalogue lacks it (tests make
    warnings errors, so a page with one fails them)."""


def translator(lang: str) -> Gettext:
    """``_()`` for ``lang`` (a message with no translation is shown in English)."""
    messages = catalogue(lang)

    def gettext(message: str) -> str:
        translated = messages.get(message)
        if translated is not None:
            return translated
        if lang != "en":
            warnings.warn(f"{lang}: no translation of {message!r}", UntranslatedMessage, 2)
        return message

    return gettext


def asked_language(request: Request) -> str | None:
    """The language of ``?lang=``, when it is one of ours."""
    asked = request.query_params.get("lang", "")
    return asked if asked in LANGUAGES else None


def language(request: Request) -> str:
    """The page's language for this request."""
    chosen = asked_language(request) or request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower()[:2]
        if primary in LANGUAGES and quality > 0:
            weighted.append((-quality, position, primary))
    return min(weighted)[2] if weighted else "en"


class Formats:
    """Dates and numbers as ``lang`` writes them."""

    def __init__(self, lang: str) -> None:
        self.locale = Locale.parse(lang)
        # One page formats the same dates and numbers many times (a map lists a thousand
        # places of a few hundred days); Babel takes tens of microseconds each.
        self._dates: dict[date | str, str] = {}
        self._numbers: dict[int | float, str] = {}

    def date(self, value: date | str | None) -> str:
        """A date (``12 mars 2026``); ISO text is parsed first."""
        if value is None or value == "":
            return ""
        if value not in self._dates:
            day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
            self._dates[value] = format_date(day, format="medium", locale=self.locale)
        return self._dates[value]

    def datetime(self, value: datetime | str | None) -> str:
        """A date and time in UTC."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return format_datetime(value, format="medium", tzinfo=UTC, locale=self.locale) + " UTC"

    def number(self, value: int | float | None) -> str:
        """A number with the locale's separators."""
        if value is None:
            return ""
        if value not in self._numbers:
            self._numbers[value] = format_decimal(value, locale=self.locale)
        return self._numbers[value]
