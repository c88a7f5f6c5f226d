"""Reading an upload off the event loop, at most a few at once, and fingerprinting it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import IO, TypeVar

import anyio
from fastapi import Request
from pydantic import BaseModel, Field

from services.common.sheets._readers import CHUNK, ImportLimits

T = TypeVar("T")


class ImportSettings(BaseModel):
    """What reading one CSV/XLSX upload may cost (see ``services/common/sheets``); over a
    cap the upload is a 413 naming the file and the cap. Mixed into a service's settings,
    so each reads them under its own prefix (``REGISTRY_IMPORT_*``, ...)."""

    import_max_rows: int = Field(default=110_000, ge=2)
    import_max_columns: int = Field(default=64, ge=1)
    import_max_line_chars: int = Field(default=64 * 1024, ge=256, le=131_072)
    import_max_unpacked_bytes: int = Field(default=128 * 1024 * 1024, ge=1024)
    import_max_seconds: float = Field(default=120.0, gt=0)
    # Uploads read at once (each in a worker thread, holding no database lock); more wait.
    import_parse_concurrency: int = Field(default=2, ge=1)

    def import_limits(self, *, strings_per_row: int = 17) -> ImportLimits:
        """The caps of one upload's reading, from these settings (``strings_per_row``:
        the columns the service's files may have)."""
        return ImportLimits(
            max_rows=self.import_max_rows,
            max_columns=self.import_max_columns,
            max_line_chars=self.import_max_line_chars,
            max_unpacked_bytes=self.import_max_unpacked_bytes,
            max_seconds=self.import_max_seconds,
            strings_per_row=strings_per_row,
        )


def file_sha256(stream: IO[bytes]) -> str:
    """The SHA-256 of a whole seekable file, read in chunks (for idempotency fingerprints)."""
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


async def read_in_worker(request: Request, work: Callable[[], T]) -> T:
    """``work`` (reading an upload) in a worker thread, at most the app's
    ``import_parse_concurrency`` at once (the others wait on the event loop, holding no
    thread). Called before any database session: a slow file delays nobody's writes."""
    state = request.app.state
    limiter = getattr(state, "import_parse_limiter", None)
    if limiter is None:
        limiter = state.import_parse_limiter = anyio.CapacityLimiter(
            state.settings.import_parse_concurrency
        )
    return await anyio.to_thread.run_sync(work, limiter=limiter)
