"""What the stores and the indexer do with the serial index, inside a caller's transaction
(none of these commits)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlmodel import Session

from services.common.identifiers import MAX_FUZZY_LENGTH, MIN_FUZZY_LENGTH, serial_index_keys
from services.registry.serial_index import repository
from services.registry.serial_index.repository import Source

# Records per indexer transaction: a 100,000-item manifest is about a million rows alone.
BATCH_RECORDS: Final = 20


def enqueue(session: Session, source: Source, record_id: str) -> None:
    """Queue a just-stored record for the indexer (same transaction as the record)."""
    repository.add_to_backlog(session, source, record_id)


def hold_queued(session: Session, source: Source, record_id: str) -> None:
    """Wait for an indexer busy with this record, and keep others off it until commit.

    Before a store removes a record's items (a newer version, a disposal): otherwise an
    indexer that read the old keys could add their neighbours after ``forget_keys`` ran,
    leaving a disposed serial in the index. PostgreSQL only; SQLite has one writer.
    """
    repository.lock_backlog_entry(session, source, record_id)


def forget_keys(session: Session, keys: Iterable[str]) -> None:
    """Remove the neighbour rows of match keys no item table holds any more."""
    gone = [key for key in sorted(set(keys)) if not repository.serial_key_stored(session, key)]
    for key in gone:
        repository.delete_neighbours(session, key, serial_index_keys(key, normalized=True))


def neighbour_rows(keys: Iterable[str]) -> set[tuple[str, str]]:
    """(search_key, serial_key) rows for these match keys (those of 4 to 64 characters)."""
    rows: set[tuple[str, str]] = set()
    for key in keys:
        if MIN_FUZZY_LENGTH <= len(key) <= MAX_FUZZY_LENGTH:
            rows.update((search, key) for search in serial_index_keys(key, normalized=True))
    return rows


def index_backlog(session: Session, *, limit: int = BATCH_RECORDS) -> int:
    """Index up to ``limit`` queued records in the session's transaction; how many.

    On PostgreSQL the backlog rows are taken with SKIP LOCKED, so several indexers (one
    per registry worker) share the work; on SQLite the write lock serializes them.
    """
    entries = repository.take_backlog_entries(session, limit=limit)
    if not entries:
        return 0
    keys = repository.stored_serial_keys(session, [(e.source, e.record_id) for e in entries])
    repository.insert_neighbours(session, list(neighbour_rows(keys)))
    repository.remove_backlog_entries(session, [e.id for e in entries])
    return len(entries)
