"""Drafts of manifests and their history (since registry0018): a member state's work
in progress, never read by holdings, alerts, statistics or the index."""

from __future__ import annotations

from services.common.drafts.tables import draft_tables
from services.registry.tables import metadata

manifest_drafts = draft_tables(metadata, drafts="manifest_drafts", steps="manifest_draft_steps")
