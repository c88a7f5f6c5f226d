"""A small app built with the real service factory, for testing the shared kernel.

It mounts a few routes that exercise what every service relies on (JSON
bodies, idempotent creation, pagination, an unexpected failure) on a real,
migrated database. The scratch table is created by the test, not the app.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from services.common.app import create_service_app
from services.common.database import SessionDep
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep, paginate
from services.registry import models
from services.registry.settings import RegistrySettings

scratch_metadata = MetaData()
scratch = Table(
    "scratch_records",
    scratch_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
)


class Item(BaseModel):
    serial_number: str = Field(min_length=1, max_length=50)
    quantity: int = Field(ge=1)


class Batch(BaseModel):
    name: str = Field(min_length=1)
    items: list[Item] = Field(max_length=100_000)


class Created(BaseModel):
    id: int
    name: str


def router() -> APIRouter:
    r = APIRouter(prefix="/registry/test")

    @r.post("/batches", status_code=201)
    def create_batch(batch: Batch) -> dict[str, int]:
        return {"items": len(batch.items)}

    @r.post("/records", status_code=201)
    def create_record(body: Batch, session: SessionDep, idem: IdempotencyDep) -> Created:
        replay = idem.replay()
        if replay is not None:
            return replay  # type: ignore[return-value]
        new_id = session.execute(insert(scratch).values(name=body.name)).inserted_primary_key
        assert new_id is not None
        return idem.respond(Created(id=new_id[0], name=body.name))  # type: ignore[return-value]

    @r.get("/records")
    def list_records(
        session: SessionDep,
        page: PageParamsDep,
        prefix: Annotated[str, Query()] = "",
    ) -> Page[Created]:
        statement = select(scratch.c.id, scratch.c.name).where(scratch.c.name.startswith(prefix))
        rows, cursor = paginate(
            session,
            statement,
            key=[scratch.c.name, scratch.c.id],
            params=page,
            key_of=lambda row: (row.name, row.id),
        )
        return Page(items=[Created(id=r.id, name=r.name) for r in rows], next_cursor=cursor)

    @r.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    return r


def create_foundation_app(database_url: str, *, max_body_bytes: int = 1024) -> FastAPI:
    """The test app on ``database_url`` (a migrated registry database)."""
    engine = create_engine(database_url)
    scratch_metadata.create_all(engine)
    engine.dispose()
    settings = RegistrySettings(database_url=database_url, max_body_bytes=max_body_bytes)
    return create_service_app(
        settings=settings,
        title="foundation test",
        description="test",
        version="0",
        routers=[router()],
        idempotency_table=models.idempotency_keys,
        body_limits={"/registry/test/batches": 10 * 1024 * 1024},
    )
