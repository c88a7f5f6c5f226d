"""CSV and XLSX uploads read as tables, in bounded memory and time.

The public surface both services use for their imports (manifests in the registry,
declarations in the declarations service):

- :func:`read_table` reads a file's header through a :class:`HeaderMap` (English or
  French spellings, matched without regard to case, accents or separators) and hands
  each data row to the caller; problems are :class:`FieldProblem` named by row and
  column (``row 18, column F (numéro de série)``), collected in a :class:`Table`.
- :class:`ImportLimits` bound the reading (``_readers`` says how); a cap reached sets
  ``Table.too_large``, which the caller answers with a 413.
- :class:`ImportSettings` holds those caps as settings, :func:`read_in_worker` reads an
  upload off the event loop a few at a time, :func:`file_sha256` fingerprints it.
"""

from services.common.errors import FieldProblem
from services.common.sheets._readers import (
    CHUNK,
    Deadline,
    ImportLimits,
    SheetTooLarge,
    SheetUnreadable,
)
from services.common.sheets._table import (
    FALSE_WORDS,
    TRUE_WORDS,
    HeaderMap,
    RowReader,
    Table,
    cell_text,
    header_key,
    is_xlsx,
    read_table,
)
from services.common.sheets._uploads import ImportSettings, file_sha256, read_in_worker

__all__ = [
    "CHUNK",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "Deadline",
    "FieldProblem",
    "HeaderMap",
    "ImportLimits",
    "ImportSettings",
    "RowReader",
    "SheetTooLarge",
    "SheetUnreadable",
    "Table",
    "cell_text",
    "file_sha256",
    "header_key",
    "is_xlsx",
    "read_in_worker",
    "read_table",
]
