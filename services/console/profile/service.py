"""The person's own profile: their open sessions and what they are emailed."""

from __future__ import annotations

from typing import Any

from services.console.clients import preferences_api
from services.console.clients.auth_api import AuthApi
from services.console.clients.base import ServiceClient
from services.console.i18n import N_

MODES: dict[str, str] = {
    "immediate": N_("Immediately"),
    "daily": N_("In a daily digest"),
    "never": N_("Never"),
}
EVENT_NAMES: dict[str, str] = {
    "alert.raised": N_("An alert is raised"),
    "alert.updated": N_("An alert changes"),
    "manifest.accepted": N_("A manifest is accepted"),
    "loss_report.accepted": N_("A loss report is accepted"),
    "declaration.accepted": N_("A declaration is accepted"),
    "declaration.amended": N_("A declaration is amended"),
    "rotation.ending": N_("A rotation is ending"),
    "trace_request.updated": N_("A trace request changes"),
    "webhook.disabled": N_("A webhook endpoint is disabled"),
}
EMAIL_LANGUAGES = ("en", "fr", "pt", "es")


async def profile(
    *, auth: AuthApi, registry: ServiceClient, token: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The person's open sessions and their email preferences."""
    sessions = await auth.my_sessions(token)
    chosen = await preferences_api.preferences(registry, token)
    return sessions, chosen


async def choose(*, registry: ServiceClient, token: str, form: dict[str, str]) -> dict[str, Any]:
    """Send the person's choices as the form gave them: the registry checks each
    event type and mode and names every one it refuses."""
    events = {
        name.removeprefix("event:"): mode
        for name, mode in form.items()
        if name.startswith("event:")
    }
    language = form.get("language") or None
    return await preferences_api.choose_preferences(
        registry, token, events=events, language=language
    )
