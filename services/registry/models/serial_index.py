"""The serial neighbourhood index behind trace's "possible" matches.

SerialNeighbour     one positional symmetric-delete key of a stored match key: the fuzzy
                    key itself and the fuzzy key with each single character deleted
                    (``serial_index_keys``); two serials one edit apart share one
SerialIndexBacklog  records whose match keys are not in SerialNeighbour yet: written in
                    the transaction that stores the record, removed by the indexer in
                    the transaction that adds its neighbours (see serial_index)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime
from sqlmodel import Field

from services.common.identifiers import MAX_FUZZY_LENGTH
from services.common.tables import utcnow
from services.registry.tables import RegistryTable

SEARCH_KEY_LENGTH = MAX_FUZZY_LENGTH + 8


class SerialNeighbour(RegistryTable, table=True):
    """``search_key`` is a neighbour of the stored match key ``serial_key``."""

    __tablename__ = "serial_neighbours"

    # The fuzzy key or a deletion of it, "/", and the deleted position (0: none).
    search_key: str = Field(primary_key=True, max_length=SEARCH_KEY_LENGTH)
    serial_key: str = Field(primary_key=True, max_length=MAX_FUZZY_LENGTH)


class SerialIndexBacklog(RegistryTable, table=True):
    """A stored record (manifest, loss report or indexed declaration) awaiting the indexer."""

    __tablename__ = "serial_index_backlog"
    __table_args__ = (
        CheckConstraint("source IN ('manifest', 'loss_report', 'declaration')", name="source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    record_id: str = Field(max_length=64)
    queued_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
