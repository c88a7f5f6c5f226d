"""People (one organisation, one role), enrolment links, recovery codes, browser apps,
authorization codes, sign-in sessions and their refresh tokens.

Revision ID: auth0004
Revises: auth0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "auth0004"
down_revision: str | None = "auth0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
ROLE_PAIRS = (
    "(org_type = 'member_state' AND role IN ('admin', 'editor', 'reader'))"
    " OR (org_type = 'secretariat' AND role IN ('admin', 'analyst', 'reader'))"
    " OR (org_type = 'operator' AND role = 'admin')"
)


def _people_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["people.id"], name=op.f(f"fk_{table}_person_id_people")
    )


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("organisation", sa.String(16), nullable=False),
        sa.Column("org_type", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("enrolled_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(ROLE_PAIRS, name=op.f("ck_people_role")),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name=op.f("fk_people_organisation_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email_key", name=op.f("uq_people_email_key")),
    )
    op.create_index(op.f("ix_people_organisation"), "people", ["organisation"])
    op.create_table(
        "enrolments",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        _people_fk("enrolments"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_enrolments")),
    )
    op.create_index(op.f("ix_enrolments_person_id"), "enrolments", ["person_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        _people_fk("recovery_codes"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_person_id"), "recovery_codes", ["person_id"])
    op.create_table(
        "browser_apps",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint(
            "(public AND secret_hash IS NULL) OR (NOT public AND secret_hash IS NOT NULL)",
            name=op.f("ck_browser_apps_secret"),
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_browser_apps")),
    )
    op.create_table(
        "authorization_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("redirect_uri", sa.String(2000), nullable=False),
        sa.Column("code_challenge", sa.String(128), nullable=False),
        sa.Column("signed_in_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.Column("session_id", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["browser_apps.client_id"],
            name=op.f("fk_authorization_codes_app_id_browser_apps"),
        ),
        _people_fk("authorization_codes"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_authorization_codes")),
    )
    op.create_index(op.f("ix_authorization_codes_person_id"), "authorization_codes", ["person_id"])
    op.create_table(
        "person_sessions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("last_used_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["browser_apps.client_id"],
            name=op.f("fk_person_sessions_app_id_browser_apps"),
        ),
        _people_fk("person_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_sessions")),
    )
    op.create_index(op.f("ix_person_sessions_person_id"), "person_sessions", ["person_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(40), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["person_sessions.id"],
            name=op.f("fk_refresh_tokens_session_id_person_sessions"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_tokens")),
    )
    op.create_index(op.f("ix_refresh_tokens_session_id"), "refresh_tokens", ["session_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_refresh_tokens_session_id"), table_name="refresh_tokens")
    op.drop_table("refresh_tokens")
    op.drop_index(op.f("ix_person_sessions_person_id"), table_name="person_sessions")
    op.drop_table("person_sessions")
    op.drop_index(op.f("ix_authorization_codes_person_id"), table_name="authorization_codes")
    op.drop_table("authorization_codes")
    op.drop_table("browser_apps")
    op.drop_index(op.f("ix_recovery_codes_person_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index(op.f("ix_enrolments_person_id"), table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index(op.f("ix_people_organisation"), table_name="people")
    op.drop_table("people")
