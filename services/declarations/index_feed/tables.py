"""Tables of operator retries in the weapon-index feed (migration declarations0005).

They belong with ``index_deliveries`` and ``index_delivery_attempts`` in
``services/declarations/models.py``, on the same metadata; they live here
until that module can take them. Both are insert-only: a retry is a request
row, its result an outcome row, and nothing is changed or removed.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from services.declarations.models import metadata

# An operator's request to deliver a rejected entry again (after a fix).
index_retries = Table(
    "index_retries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("log_index", BigInteger, ForeignKey("index_deliveries.log_index"), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("requested_by", String(255), nullable=False),
    Column("reason", Text, nullable=True),
    Index("ix_index_retries_log_index", "log_index", "id"),
)

# What the redelivery asked for by a retry did (its outcome, as in index_deliveries).
index_retry_outcomes = Table(
    "index_retry_outcomes",
    metadata,
    Column("retry_id", Integer, ForeignKey("index_retries.id"), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
)
