"""Notifications: the registry's outbox of events and their delivery to webhooks.

The registry sees every event of both registers (declarations reach it through the
index feed). Each event is written to the outbox in the transaction of what caused
it (``emit``, in ``events``): none is lost, none is sent for something rolled back.
Each carries grants computed from the tenancy of the record it is about
(``audience``): a receiver gets the variant of the first grant that admits it, or
nothing. The background worker (``worker``) fans events out to the webhook endpoints
of organisations that may receive them and delivers them signed (``signing``, the
Standard Webhooks scheme) to checked public addresses (``addresses``).

Emitting is one call: ``emit(session, event_type=..., subject_id=..., data=...,
grants=readers_of(country, date))``.
"""

from services.registry.notifications.audience import Grant, grant, readers_of
from services.registry.notifications.events import (
    EVENT_TYPES,
    emit,
    emit_alert_raised,
    emit_alert_updated,
    emit_trace_request_updated,
)

__all__ = [
    "EVENT_TYPES",
    "Grant",
    "emit",
    "emit_alert_raised",
    "emit_alert_updated",
    "emit_trace_request_updated",
    "grant",
    "readers_of",
]
