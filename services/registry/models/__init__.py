"""Table models of the registry service. Alembic's env imports this module.

Mission            reference data (code, authority, host countries, dates)
Manifest           one crossing of a contingent's materiel in or out of a mission area
ManifestItem       one weapon, ammunition lot or part of a manifest: the values as
                   declared plus their normalized forms, and a copy of the manifest's
                   mission, country and direction so holdings aggregate on one table
LossReport         COE lost, stolen or captured in an attack
LossReportItem     one weapon or ammunition lot of a loss report (same denormalization)
IndexedDeclaration the declarations index (a projection of the declarations register),
DeclaredItem,      its items and the deliveries received (models/index.py)
IndexEvent
Alert, AlertAudience, AlertEvent, Embargo   alerts and embargoes (models/alerts.py)
ArmedGroup,        armed groups with their aliases, and headstamp factory codes
HeadstampCode      (models/field_reference.py)
ReferenceChange    the insert-only trail of changes to reference data
NotificationEvent, the notifications outbox, webhook endpoints and their
WebhookEndpoint,   delivery log (models/notifications.py)
WebhookDelivery
Case, CaseItem,    tracing cases, their records and shares, and the trace requests
CaseShare,         sent from them with every status change (models/cases.py)
TraceRequest, TraceRequestEvent
ManifestDrafts     drafts of manifests and their history (models/drafts.py)
SerialNeighbour,   trace's index of serials one edit apart, and the records
SerialIndexBacklog awaiting it (models/serial_index.py)
manifest_item_daily_counts,  what statistics read: item rows, quantity and mass per
declared_item_daily_counts,  day and grouped value, kept exact by the item inserts, and
*_daily_totals               per day, country, mission and type, and
*_daily_attributes           by calibre, maker, year of manufacture, presumed user
*_monthly_attributes         the same by country and month (statistics over years)
                             (models/daily_counts.py)

Queries that name columns take each table's typed Core handle from models/handles.py
(``manifest_items``, ``declared_items`` ...), not from the classes here.
"""

from __future__ import annotations

from services.registry.models.alerts import Alert, AlertAudience, AlertEvent, Embargo
from services.registry.models.cases import (
    Case,
    CaseItem,
    CaseShare,
    TraceRequest,
    TraceRequestEvent,
)
from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    declared_item_daily_counts,
    declared_item_daily_totals,
    declared_item_monthly_attributes,
    manifest_item_daily_attributes,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
    manifest_item_monthly_attributes,
)
from services.registry.models.drafts import manifest_drafts
from services.registry.models.field_reference import ArmedGroup, HeadstampCode
from services.registry.models.index import DeclaredItem, IndexedDeclaration, IndexEvent
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
from services.registry.tables import RegistryTable, idempotency_keys, metadata

__all__ = [
    "Alert",
    "AlertAudience",
    "AlertEvent",
    "ArmedGroup",
    "Case",
    "CaseItem",
    "CaseShare",
    "DeclaredItem",
    "Embargo",
    "HeadstampCode",
    "IndexEvent",
    "IndexedDeclaration",
    "LossReport",
    "LossReportItem",
    "MailMessage",
    "MailNotice",
    "Manifest",
    "ManifestItem",
    "Mission",
    "NotificationEvent",
    "NotificationPreference",
    "ReferenceChange",
    "RegistryTable",
    "SerialIndexBacklog",
    "SerialNeighbour",
    "TraceRequest",
    "TraceRequestEvent",
    "WebhookDelivery",
    "WebhookEndpoint",
    "declared_item_daily_attributes",
    "declared_item_daily_counts",
    "declared_item_daily_totals",
    "declared_item_monthly_attributes",
    "idempotency_keys",
    "manifest_drafts",
    "manifest_item_daily_attributes",
    "manifest_item_daily_counts",
    "manifest_item_daily_totals",
    "manifest_item_monthly_attributes",
    "metadata",
]
