"""The serial neighbourhood index: which stored match keys are one edit from a query.

Every stored match key of 4 to 64 characters has rows in ``serial_neighbours`` for its
positional symmetric-delete keys (``serial_index_keys``: the fuzzy key, and the fuzzy
key with each character deleted, each with the deleted position). Two serials whose
fuzzy keys are one substitution, insertion, deletion or adjacent swap apart always
share one, so a trace looks up the query's probe keys (``serial_probe_keys``, about
5n B-tree probes for n characters) and gets every candidate match key, and hardly any
that classification then drops (positions keep out the many keys two edits away that
a contingent's consecutive serials share a plain deletion with).

Writing those rows costs n + 1 index entries per item, too much for the 100,000-item
manifest path, so they are written after the fact:

- a store (manifest, loss report, indexed declaration) adds one ``serial_index_backlog``
  row in its own transaction (``enqueue``);
- the indexer (``run_indexer``, the registry's background task, or
  ``index_until_empty`` behind ``regctl index neighbours``) adds the record's neighbour
  rows and removes its backlog row in one transaction;
- while the backlog holds anything (``anything_queued``), trace does not rely on the
  index and probes the query's whole one-edit neighbourhood instead
  (``trace.candidates``). A record is therefore always found: through its backlog row
  until indexed, through the index after.

Neighbour rows outlive the records they came from only until a disposal removes them
(``forget_keys``, after ``hold_queued``): a disposed declaration's serials must not
linger in the index.

The modules behind this surface: ``repository`` (the SQL, and the COPY that fills the
index), ``service`` (what a store or the indexer does inside its transaction) and
``worker`` (the indexer's own transactions and the background task).
"""

from services.registry.serial_index.repository import (
    Source,
    anything_queued,
    backlog_pending,
    backlog_size,
)
from services.registry.serial_index.service import (
    enqueue,
    forget_keys,
    hold_queued,
    neighbour_rows,
)
from services.registry.serial_index.worker import index_until_empty, run_indexer

__all__ = [
    "Source",
    "anything_queued",
    "backlog_pending",
    "backlog_size",
    "enqueue",
    "forget_keys",
    "hold_queued",
    "index_until_empty",
    "neighbour_rows",
    "run_indexer",
]
