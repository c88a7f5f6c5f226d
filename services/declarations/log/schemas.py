"""Response models of the transparency-log routes."""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel, Field


def base64_text(data: bytes) -> str:
    """``data`` as base64 text: how these models carry hashes and entry bytes."""
    return base64.b64encode(data).decode()


class InclusionProof(BaseModel):
    """RFC 9162 audit path of one entry in a tree of ``tree_size`` entries."""

    index: int
    tree_size: int
    leaf_hash: str = Field(description="base64 of SHA-256(0x00 || entry bytes)")
    hashes: list[str] = Field(description="base64 hashes, from the leaf up")


class ConsistencyProof(BaseModel):
    """RFC 9162 consistency proof between two tree sizes."""

    first: int
    second: int
    hashes: list[str]


class LogEntry(BaseModel):
    """One entry: index and leaf hash always; its bytes and record only when readable."""

    index: int
    leaf_hash: str = Field(description="base64")
    leaf_input: str | None = Field(
        default=None, description="base64 of the exact hashed bytes (RFC 8785 JSON)"
    )
    entry: dict[str, Any] | None = Field(default=None, description="the entry bytes, parsed")
    record: dict[str, Any] | None = Field(
        default=None, description="the record version the entry covers (null after disposal)"
    )


class LogEntries(BaseModel):
    """Entries ``start`` (inclusive) to ``end`` (exclusive)."""

    start: int
    end: int
    tree_size: int
    entries: list[LogEntry]


class FixityResult(BaseModel):
    """Outcome of recomputing the root from storage and comparing it with the checkpoint."""

    ok: bool
    tree_size: int
    checkpoint_root: str
    recomputed_root: str
    problems: list[str]
    log_index: int | None = None
