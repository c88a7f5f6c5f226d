"""Reading the pages' form posts: text fields only, each once, bounded."""

from __future__ import annotations

from fastapi import Request

MAX_FIELD = 4096


async def read_form(request: Request) -> dict[str, str]:
    """The form's text fields (a repeated, oversized or file field is dropped: the page
    then reports that field as missing or wrong, never a 500)."""
    try:
        form = await request.form(max_files=0, max_fields=32)
    except Exception:  # a malformed body is treated as an empty form
        return {}
    fields: dict[str, str] = {}
    for name in set(form.keys()):
        values = form.getlist(name)
        if len(values) == 1 and isinstance(values[0], str) and len(values[0]) <= MAX_FIELD:
            fields[name] = values[0]
    return fields
