"""Messages rendered from events: one entry per event, plain text and HTML (Jinja2,
HTML autoescaped), in the person's language, with links to the console that carry no
token (the console signs the person in itself)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.registry.mail.catalogue import text

_TEMPLATES = Path(__file__).parent / "templates"
_HTML = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined)
_TEXT = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=False,  # noqa: S701 (plain text, never HTML)
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
# Where each event's record is shown in the console (relative to REGISTRY_CONSOLE_URL).
_PAGES: Final = {
    "alert.raised": "alerts/{id}",
    "alert.updated": "alerts/{id}",
    "manifest.accepted": "manifests/{id}",
    "loss_report.accepted": "losses/{id}",
    "declaration.accepted": "declarations/{id}",
    "declaration.amended": "declarations/{id}",
    "rotation.ending": "holdings",
    "webhook.disabled": "admin/webhooks/{id}",
    "trace_request.updated": "trace-requests/{id}",
}


@dataclass(frozen=True)
class Entry:
    """One event as a message shows it."""

    title: str
    details: list[tuple[str, str]] = field(default_factory=list)
    link: str = ""


@dataclass(frozen=True)
class Rendered:
    """A message ready to send."""

    subject: str
    text: str
    html: str


def console_link(console_url: str, event_type: str, data: Mapping[str, Any]) -> str:
    """The console page of the event's record: an address, never a token."""
    base = console_url if console_url.endswith("/") else console_url + "/"
    page = _PAGES.get(event_type, "")
    record = (
        data.get("declaration_id")
        if data.get("kind") == "diversion" and "message" in data
        else None
    )
    if record:
        return f"{base}declarations/{quote(str(record), safe='')}"
    if "{id}" in page:
        if not data.get("id"):
            return base
        page = page.format(id=quote(str(data["id"]), safe=""))
    return base + page


def entry(
    *, language: str, event_type: str, variant: str, data: Mapping[str, Any], console_url: str
) -> Entry:
    """How one event reads in ``language``; the redacted variant shows its notice only."""
    link = console_link(console_url, event_type, data)
    if variant == "redacted":
        return Entry(title=text(language, "notice.diversion"), link=link)
    title = text(
        language,
        f"title.{event_type}",
        kind=data.get("kind", ""),
        change=data.get("change", ""),
    )
    details: list[tuple[str, str]] = []
    for key, label in (("summary", "label.summary"), ("status", "label.status")):
        if data.get(key):
            details.append((text(language, label), str(data[key])))
    country = data.get("country") or data.get("contributing_country")
    if country:
        details.append((text(language, "label.country"), str(country)))
    if event_type == "rotation.ending":
        details.append(("", f"{data.get('mission')} / {data.get('unit')}"))
    if event_type == "webhook.disabled":
        details.append(("URL", str(data.get("url", ""))))
        details.append((text(language, "label.reason"), str(data.get("reason", ""))[:300]))
    return Entry(title=title, details=details, link=link)


def message(
    *, language: str, name: str, entries: Sequence[Entry], digest: bool, console_url: str
) -> Rendered:
    """One email: a single event's (``digest`` False) or a day's (True)."""
    if digest:
        subject = text(language, "subject.digest", count=len(entries))
    else:
        subject = "SALW: " + entries[0].title
    context = {
        "greeting": text(language, "greeting", name=name),
        "intro": text(language, "intro.digest" if digest else "intro.immediate"),
        "entries": entries,
        "open": text(language, "open"),
        "footer": text(language, "footer"),
        "no_tokens": text(language, "no_tokens"),
        "console_url": console_url,
        "language": language,
        "subject": subject,
    }
    return Rendered(
        subject=" ".join(subject.split())[:300],
        text=_TEXT.get_template("message.txt").render(context),
        html=_HTML.get_template("message.html").render(context),
    )
