"""Every language of email has every message, with the same placeholders as English."""

from __future__ import annotations

import string

from services.registry.mail.catalogue import CATALOGUE, LANGUAGES
from services.registry.mail.render import Entry, message
from services.registry.notifications import EVENT_TYPES


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    assert set(CATALOGUE) == set(LANGUAGES) == {"en", "fr", "pt", "es"}
    english = CATALOGUE["en"]
    assert {f"title.{t}" for t in EVENT_TYPES} <= set(english)
    for language in LANGUAGES:
        assert set(CATALOGUE[language]) == set(english), language
        for key, template in english.items():
            assert _fields(CATALOGUE[language][key]) == _fields(template), (language, key)


def test_html_escapes_record_data() -> None:
    entry = Entry(title="<script>x</script>", details=[("a", "<b>")], link="https://c/x")
    rendered = message(
        language="pt", name="<i>Ana</i>", entries=[entry], digest=False, console_url="https://c/"
    )
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "&lt;i&gt;Ana&lt;/i&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text  # plain text stays as written
