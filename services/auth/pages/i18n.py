"""The languages of auth's pages: English (the message ids) and French.

``?lang=fr`` wins, else the first supported language of ``Accept-Language``.
Every string a person reads goes through ``_()``; a message with no translation
is shown in English.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from services.auth.pages.messages_fr import FRENCH

LANGUAGES = ("en", "fr")
CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "fr": FRENCH}
Gettext = Callable[[str], str]


def language(request: Request) -> str:
    """The page's language for this request."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"


def translator(lang: str) -> Gettext:
    """``_()`` for ``lang``."""
    catalogue = CATALOGUES.get(lang, {})

    def gettext(message: str) -> str:
        return catalogue.get(message, message)

    return gettext
