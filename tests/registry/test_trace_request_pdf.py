"""The trace request PDF in each of its four languages, read back as text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from services.registry.cases import pdf
from services.registry.models import Case, CaseItem, TraceRequest

CASE = Case(
    id="case-1",
    title="Fusil saisi à Ménaka",
    summary="s",
    owner_org="ECOWAS",
    owner_org_type="secretariat",
    opened_by="client-1",
    opened_by_type="client",
)
ITEM = CaseItem(
    id=2,
    case_id="case-1",
    kind="declared_item",
    reference="decl-1",
    item_index=0,
    declaration_version=3,
    log_index=41,
    log_leaf_hash="ab" * 32,
    added_by="client-1",
    added_by_type="client",
    added_by_org="ECOWAS",
)


def _text(language: str, marking: str = "56 OOOO123") -> str:
    request = TraceRequest(
        id="req-1",
        case_id="case-1",
        case_item_id=2,
        recipient_country="SEN",
        recipient_role="producing_state",
        language=language,
        marking=marking,
        weapon_type="assault_rifle",
        calibre="7.62x39mm",
        manufacturer="Kalashnikov Concern",
        model="AK-103",
        recovery_context="Ménaka, 10 May 2024",
        request_text="Origin?",
        reply_days=30,
        deadline=date(2026, 2, 1),
        created_by="client-1",
        created_by_type="client",
        created_by_org="ECOWAS",
    )
    context = pdf.PdfContext(
        printed_at=datetime(2026, 1, 2, tzinfo=UTC), declarations_url="https://reg.example.org/"
    )
    document = pdf.render(request=request, case=CASE, item=ITEM, context=context)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages)


@pytest.mark.parametrize(
    ("language", "title", "role"),
    [
        ("en", "Tracing request", "producing state"),
        ("fr", "Demande de traçage", "État producteur"),
        ("pt", "Pedido de rastreio", "Estado produtor"),
        ("es", "Solicitud de rastreo", "Estado productor"),
    ],
)
def test_the_pdf_speaks_the_request_language(language: str, title: str, role: str) -> None:
    text = _text(language)
    assert title in text
    assert f"SEN ({role})" in text
    assert "56 OOOO123" in text
    assert "ECOWAS" in text
    assert "2026-01-02" in text  # not sent yet: the day it was printed
    assert "https://reg.example.org/declarations/v1/declarations/decl-1 (v3, item 0)" in text
    assert "ab" * 32 in text


def test_characters_outside_latin_1_are_transliterated_not_an_error() -> None:
    text = _text("en", marking="AĞ–7 “x” 北")
    assert 'AG-7 "x" ?' in text
