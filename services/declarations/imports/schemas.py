"""What a declarations import returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.declarations.declarations.views import DeclarationCreated


class ImportedDeclaration(DeclarationCreated):
    """A stored declaration, with the file's reference and the rows of its items."""

    declaration_ref: str = Field(description="the file's own reference (not stored)")
    rows: list[int] = Field(description="the rows of its items, in item order")


class ImportCreated(BaseModel):
    """The file's declarations in the order their references first appear."""

    items: list[ImportedDeclaration]
    tree_size: int = Field(description="size of the signed checkpoint that logged them")
