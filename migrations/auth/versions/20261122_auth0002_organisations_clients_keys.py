"""Organisations, communities and memberships, API clients, signing keys, audit trail.

Revision ID: auth0002
Revises: auth0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "auth0002"
down_revision: str | None = "auth0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint(
            "type IN ('member_state', 'secretariat', 'operator')",
            name=op.f("ck_organisations_type"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_organisations")),
    )
    op.create_table(
        "communities",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_communities")),
    )
    op.create_table(
        "community_memberships",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(16), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on > joined_on", name=op.f("ck_community_memberships_period")
        ),
        sa.ForeignKeyConstraint(
            ["community"],
            ["communities.code"],
            name=op.f("fk_community_memberships_community_communities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_memberships")),
    )
    op.create_index(
        op.f("ix_community_memberships_community"), "community_memberships", ["community"]
    )
    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.String(255), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name=op.f("fk_api_clients_organisation_organisations"),
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_api_clients")),
    )
    op.create_index(op.f("ix_api_clients_organisation"), "api_clients", ["organisation"])
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("retired_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    op.create_index(op.f("ix_signing_keys_created_at"), "signing_keys", ["created_at"])
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", TZ, nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("actor_org", sa.String(16), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("subject", sa.String(255), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_occurred_at"), "audit_events", ["occurred_at"])
    op.create_index(op.f("ix_audit_events_event"), "audit_events", ["event"])
    op.create_index(op.f("ix_audit_events_subject"), "audit_events", ["subject"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_subject"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_event"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_occurred_at"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_signing_keys_created_at"), table_name="signing_keys")
    op.drop_table("signing_keys")
    op.drop_index(op.f("ix_api_clients_organisation"), table_name="api_clients")
    op.drop_table("api_clients")
    op.drop_index(op.f("ix_community_memberships_community"), table_name="community_memberships")
    op.drop_table("community_memberships")
    op.drop_table("communities")
    op.drop_table("organisations")
