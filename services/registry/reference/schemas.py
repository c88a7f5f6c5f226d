"""Response models of the reference lists."""

from __future__ import annotations

from pydantic import BaseModel


class LabelledCode(BaseModel):
    """A stable code with its English and French labels."""

    code: str
    label_en: str
    label_fr: str
    group: str | None = None


class ReferenceList(BaseModel):
    """A whole reference list (short; never paginated)."""

    items: list[LabelledCode]
