"""Email preferences and the mail outbox, as the API shows them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.tables import UtcDatetime

Mode = Literal["immediate", "daily", "never"]
Language = Literal["en", "fr", "pt", "es"]
EventType = Literal[
    "alert.raised",
    "alert.updated",
    "manifest.accepted",
    "loss_report.accepted",
    "declaration.accepted",
    "declaration.amended",
    "rotation.ending",
    "webhook.disabled",
]


class PreferencesUpdate(BaseModel):
    """The signed-in person's choices; event types left out keep their current mode."""

    model_config = ConfigDict(extra="forbid")

    events: dict[EventType, Mode] = Field(
        default_factory=dict,
        examples=[{"alert.raised": "immediate", "manifest.accepted": "never"}],
        description="Per event type: immediate (one email each), daily (one digest a day)"
        " or never.",
    )
    language: Language | None = Field(
        default=None, description="en, fr, pt or es; null: the language of your account."
    )


class PreferencesRead(BaseModel):
    """What the signed-in person is emailed, and in which language."""

    events: dict[str, Mode] = Field(
        description="Every event type with its mode (chosen, else the role's default)."
    )
    language: Language | None = Field(
        description="The chosen language; null: the language of the person's account."
    )


class MailMessageRead(BaseModel):
    """One message of the mail outbox."""

    id: int
    person_id: str
    org: str
    to_address: str
    language: str
    kind: str = Field(description="immediate or digest")
    subject: str
    text_body: str | None = Field(
        description="The message; null unless the caller also holds register:read (an"
        " operator administers the register but reads none of its records without it)."
    )
    html_body: str | None = Field(description="As text_body, in HTML.")
    status: str = Field(description="kept (no SMTP configured), pending, sending, sent or failed")
    attempts: int
    last_error: str | None
    created_at: UtcDatetime
    sent_at: UtcDatetime | None
