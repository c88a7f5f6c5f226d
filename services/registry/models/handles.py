"""Typed Core handles of the registry's tables, the one place queries take them from.

Queries that name columns (``manifest_items.c.serial_key``), bulk inserts and column
lengths use these; the ORM classes stay for reading and writing whole rows. SQLModel
declares no ``__table__`` to type checkers, so each handle is read from the mapper
once, here, as a ``Table``.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Table, inspect

from services.registry.models.alerts import Alert, AlertAudience, AlertEvent, Embargo
from services.registry.models.cases import (
    Case,
    CaseItem,
    CaseShare,
    TraceRequest,
    TraceRequestEvent,
)
from services.registry.models.field_reference import ArmedGroup, HeadstampCode
from services.registry.models.index import DeclaredItem, IndexedDeclaration
from services.registry.models.loss_reports import LossReport, LossReportItem
from services.registry.models.mail import MailMessage, MailNotice, NotificationPreference
from services.registry.models.manifests import Manifest, ManifestItem
from services.registry.models.missions import Mission
from services.registry.models.notifications import (
    NotificationEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from services.registry.models.reference_changes import ReferenceChange
from services.registry.models.serial_index import SerialIndexBacklog, SerialNeighbour
from services.registry.tables import RegistryTable


def _table(model: type[RegistryTable]) -> Table:
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


missions: Final = _table(Mission)
manifests: Final = _table(Manifest)
manifest_items: Final = _table(ManifestItem)
loss_reports: Final = _table(LossReport)
loss_items: Final = _table(LossReportItem)
indexed_declarations: Final = _table(IndexedDeclaration)
declared_items: Final = _table(DeclaredItem)
alerts: Final = _table(Alert)
alert_audiences: Final = _table(AlertAudience)
alert_events: Final = _table(AlertEvent)
embargoes: Final = _table(Embargo)
reference_changes: Final = _table(ReferenceChange)
serial_neighbours: Final = _table(SerialNeighbour)
serial_index_backlog: Final = _table(SerialIndexBacklog)
notification_events: Final = _table(NotificationEvent)
webhook_endpoints: Final = _table(WebhookEndpoint)
webhook_deliveries: Final = _table(WebhookDelivery)
armed_groups: Final = _table(ArmedGroup)
headstamp_codes: Final = _table(HeadstampCode)
cases: Final = _table(Case)
case_items: Final = _table(CaseItem)
case_shares: Final = _table(CaseShare)
trace_requests: Final = _table(TraceRequest)
trace_request_events: Final = _table(TraceRequestEvent)
notification_preferences: Final = _table(NotificationPreference)
mail_notices: Final = _table(MailNotice)
mail_messages: Final = _table(MailMessage)
