"""Drafts of manifests: their problems now, and approval creating the manifest.

The workflow (statuses, who may do what) is :mod:`services.common.drafts.workflow`;
this module adds what is the registry's: a draft's problems are the manifest POST's
checks that need no lock (types, header, per-kind item rules, own country), and an
approved draft becomes a manifest through :func:`manifests.service.create_manifest`,
in the same transaction, so every rule (the in/out balances included) runs then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlmodel import Session

from services.common.drafts import workflow
from services.common.drafts.schemas import DraftRead
from services.common.drafts.tables import DraftState
from services.common.drafts.workflow import DraftKind
from services.common.errors import FieldProblem
from services.common.security import Principal
from services.registry.manifests import service as manifests
from services.registry.manifests.drafts import read_manifest
from services.registry.manifests.item_rules import prepare_items
from services.registry.models import manifest_drafts

MANIFEST_DRAFTS: Final = DraftKind(tables=manifest_drafts, record="manifest")


def problems_of(
    *, session: Session, principal: Principal, body: dict[str, Any]
) -> list[FieldProblem]:
    """What ``POST /manifests`` would refuse in ``body`` now, short of the in/out balances
    (they depend on the register at approval, and run then); nothing is stored."""
    draft = read_manifest(body)
    header = draft.header
    if header is not None:
        if principal.country is not None and header.contributing_country != principal.country:
            draft.problems.add(
                "contributing_country",
                f"a member state declares only its own country ({principal.country})",
            )
        header_problems, _ = manifests.check_header(session=session, header=header)
        draft.problems.extend(header_problems)
    rows = prepare_items(manifest_id="draft", draft=draft)
    if not rows and not draft.problems:
        draft.problems.add("items", "no usable item")
    return draft.problems.listed


def read(session: Session, *, principal: Principal, draft: DraftState) -> DraftRead:
    """The API's view of a draft, with its problems now (none once it is closed)."""
    problems: list[FieldProblem] = []
    if draft.status in workflow.OPEN:
        problems = problems_of(session=session, principal=principal, body=draft.body)
    return workflow.draft_read(session, MANIFEST_DRAFTS, draft, problems)


def approve(
    *,
    session: Session,
    principal: Principal,
    draft_id: str,
    if_match: str | None,
    now: datetime,
) -> DraftState:
    """Create the manifest of a draft awaiting approval and mark the draft submitted.

    The manifest goes through the normal path (every check, alerts, notifications); a
    refusal is its 422 naming every problem, and the draft stays awaiting approval.
    """
    draft = workflow.draft_to_approve(
        session, MANIFEST_DRAFTS, principal=principal, draft_id=draft_id, if_match=if_match
    )
    manifest = manifests.create_manifest(
        session=session, principal=principal, draft=read_manifest(draft.body)
    )
    return workflow.mark_approved(
        session, MANIFEST_DRAFTS, principal=principal, draft=draft, record_id=manifest.id, now=now
    )
