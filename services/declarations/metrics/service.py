"""The declarations service's own Prometheus readings."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session

from services.common.metrics import Reading
from services.declarations.index_feed.repository import count_pending, count_rejected
from services.declarations.log.repository import latest_checkpoint, log_size


def readings(session: Session) -> Iterator[Reading]:
    """The log's size and last checkpoint, and the index feed's backlog."""
    yield Reading(
        "register_declarations_log_entries", "Entries in the transparency log", log_size(session)
    )
    checkpoint = latest_checkpoint(session)
    yield Reading(
        "register_declarations_log_checkpoint_size",
        "Tree size of the latest signed checkpoint",
        checkpoint.tree_size if checkpoint is not None else 0,
    )
    yield Reading(
        "register_index_feed_pending",
        "Log entries not yet delivered to the registry's weapon index",
        count_pending(session),
    )
    yield Reading(
        "register_index_feed_rejected",
        "Log entries the registry refused for good (see regctl index)",
        count_rejected(session),
    )
