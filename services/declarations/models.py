"""Tables of the declarations service. Alembic's env imports this module.

The register is append-only. Every table below except ``items`` (a derived
index) and ``idempotency_keys`` refuses UPDATE, DELETE and TRUNCATE in the
database itself (triggers, see the migrations), with one narrow exception:
``declaration_contents.content`` may go from a value to NULL, and only once a
``disposals`` row for that declaration exists. A ``disposals`` row is refused
unless retention has expired by the database's own date, no hold is active,
and its ``log_index`` is that declaration's disposal entry in the log.

Tables are SQLAlchemy Core: the log is written in bulk and read by key, and
nothing here needs ORM identity or relationships.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.common.drafts.tables import draft_tables
from services.common.tables import NAMING_CONVENTION, idempotency_table

# The service's own metadata: its own database, its own Alembic tree.
metadata = MetaData(naming_convention=NAMING_CONVENTION)
idempotency_keys = idempotency_table(metadata)

declarations = Table(
    "declarations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("type", String(20), nullable=False),
    Column("declaring_country", String(3), nullable=False),
    Column("declared_at", DateTime(timezone=True), nullable=False),
    Column("declared_by", String(255), nullable=False),
    Index("ix_declarations_country_declared", "declaring_country", "declared_at", "id"),
    Index("ix_declarations_declared", "declared_at", "id"),
)

declaration_versions = Table(
    "declaration_versions",
    metadata,
    Column("declaration_id", String(36), ForeignKey("declarations.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("record_sha256", String(64), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("mission", String(32), nullable=True),
    Column("undeclared", Boolean, nullable=False),
    Column("retain_until", Date, nullable=False),
    Column("reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(255), nullable=False),
    # person or client, and its organisation (NULL before declarations0010)
    Column("created_by_type", String(8), nullable=True),
    Column("created_by_org", String(64), nullable=True),
    Column("log_index", BigInteger, nullable=False, unique=True),
)

# The content of a version lives apart from its metadata so that disposal can
# remove it (set it to NULL) while the version row, its hash and the log stay.
declaration_contents = Table(
    "declaration_contents",
    metadata,
    Column("declaration_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content", Text, nullable=True),
    ForeignKeyConstraint(
        ["declaration_id", "version"],
        ["declaration_versions.declaration_id", "declaration_versions.version"],
        name="fk_declaration_contents_version",
    ),
)

# A searchable index of the current version's items, rebuilt on amendment and
# emptied on disposal. Not a record: the record is the version's content.
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("declaration_type", String(20), nullable=False),
    Column("match_key", String(1000), nullable=False),
    Column("serial_key", String(400), nullable=True),
    Column("manufacturer_key", String(400), nullable=True),
    Column("calibre_key", String(400), nullable=True),
    Column("destroyed", Boolean, nullable=False),
    Column("undeclared", Boolean, nullable=False),
    # Set only on destroyed items with a unique identity (serialled weapons and
    # parts), with the declaring state: the unique constraint makes a state's second
    # destruction of an item fail in the database even between concurrent requests
    # (NULLs never collide). It is per state: a state learns nothing of other states'
    # records from it; the registry raises a ``destroyed_twice`` alert across states.
    Column("destroyed_key", String(1000), nullable=True),
    Column("destroyed_country", String(3), nullable=True),
    UniqueConstraint("destroyed_country", "destroyed_key"),
    Index("ix_items_match_key", "match_key"),
    Index("ix_items_declaration", "declaration_id"),
)

# Two destructions of one weapon that an older identity rule kept apart (spellings
# of one maker or calibre it did not resolve), found when declarations0007 rekeyed
# the item index. The first destruction keeps the destroyed key; the other's item
# holds ``other_destroyed_key`` instead, so both records stay, and an operator lists
# the pairs (``regctl destructions duplicates``) to settle them with the declarants.
duplicate_destructions = Table(
    "duplicate_destructions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("destroyed_key", String(1000), nullable=False),
    Column("kept_declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("kept_position", Integer, nullable=False),
    Column("other_declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("other_position", Integer, nullable=False),
    Column("other_destroyed_key", String(1000), nullable=False),
    Column("found_by", String(32), nullable=False),
    Column("found_at", DateTime(timezone=True), nullable=False),
)

disposals = Table(
    "disposals",
    metadata,
    Column("declaration_id", String(36), ForeignKey("declarations.id"), primary_key=True),
    Column("disposed_on", Date, nullable=False),
    Column("disposed_at", DateTime(timezone=True), nullable=False),
    Column("disposed_by", String(255), nullable=False),
    Column("disposed_by_type", String(8), nullable=True),
    Column("disposed_by_org", String(64), nullable=True),
    Column("reason", Text, nullable=True),
    # Its disposal entry in the log (the trigger also checks type and declaration).
    Column("log_index", BigInteger, ForeignKey("log_entries.index"), nullable=False, unique=True),
)

holds = Table(
    "holds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("placed_by", String(255), nullable=False),
    Column("placed_by_org", String(64), nullable=False),
    Column("placed_by_type", String(8), nullable=True),
    Column("log_index", BigInteger, nullable=False, unique=True),
    Index("ix_holds_declaration", "declaration_id"),
)

# Lifting a hold is a new fact, not an edit of the hold.
hold_lifts = Table(
    "hold_lifts",
    metadata,
    Column("hold_id", String(36), ForeignKey("holds.id"), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("lifted_at", DateTime(timezone=True), nullable=False),
    Column("lifted_by", String(255), nullable=False),
    Column("lifted_by_org", String(64), nullable=False),
    Column("lifted_by_type", String(8), nullable=True),
    Column("log_index", BigInteger, nullable=False, unique=True),
)

log_entries = Table(
    "log_entries",
    metadata,
    Column("index", BigInteger, primary_key=True, autoincrement=False),
    Column("entry_type", String(32), nullable=False),
    Column("declaration_id", String(36), nullable=True),
    Column("version", Integer, nullable=True),
    Column("leaf_input", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_log_entries_declaration", "declaration_id", "index"),
)

# Perfect-subtree hashes: level 0 holds leaf hashes, (level, index) covers the
# 2**level leaves from index * 2**level. Proofs fold O(log n) of these rows.
log_nodes = Table(
    "log_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("index", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("signed_note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

APPEND_ONLY_TABLES = (
    "declarations",
    "declaration_versions",
    "disposals",
    "holds",
    "hold_lifts",
    "log_entries",
    "log_nodes",
    "checkpoints",
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "checkpoints",
    "declaration_contents",
    "declaration_versions",
    "declarations",
    "disposals",
    "duplicate_destructions",
    "hold_lifts",
    "holds",
    "idempotency_keys",
    "index_deliveries",
    "index_delivery_attempts",
    "index_retries",
    "index_retry_outcomes",
    "items",
    "log_entries",
    "log_nodes",
    "metadata",
]

# The weapon-index feed. The log is the outbox: every declaration version and
# disposal is a log entry committed with the record. These two insert-only
# tables say which entries the registry has acknowledged and what failed.
index_deliveries = Table(
    "index_deliveries",
    metadata,
    Column("log_index", BigInteger, ForeignKey("log_entries.index"), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
)

index_delivery_attempts = Table(
    "index_delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("log_index", BigInteger, ForeignKey("log_entries.index"), nullable=False),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("error", Text, nullable=False),
    Index("ix_index_delivery_attempts_entry", "log_index", "attempted_at"),
)

# An operator's request to deliver a rejected entry again (after a fix), and what
# that redelivery did (its outcome, as in index_deliveries). Both insert-only: a
# retry is a request row, its result an outcome row; nothing is changed or removed.
index_retries = Table(
    "index_retries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("log_index", BigInteger, ForeignKey("index_deliveries.log_index"), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("requested_by", String(255), nullable=False),
    Column("reason", Text, nullable=True),
    Index("ix_index_retries_log_index", "log_index", "id"),
)

index_retry_outcomes = Table(
    "index_retry_outcomes",
    metadata,
    Column("retry_id", Integer, ForeignKey("index_retries.id"), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
)

# Incidents (an attack, a cache, a checkpoint seizure...) that declarations, of one
# state or several, name by ``incident_id``. Created by a state or a secretariat; read
# by the organisation that created it and by the secretariats covering its country on
# its date. Never changed once created (a correction is a new incident).
incidents = Table(
    "incidents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("incident_type", String(32), nullable=False),
    Column("incident_date", Date, nullable=False),
    Column("country", String(3), nullable=False),
    Column("place", String(200), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("presumed_user", String(200), nullable=True),
    Column("description", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("created_by_type", String(8), nullable=False),
    Column("created_by_org", String(64), nullable=False),
    Index("ix_incidents_org_created", "created_by_org", "created_at", "id"),
    Index("ix_incidents_country_date", "country", "incident_date"),
    Index("ix_incidents_created", "created_at", "id"),
)

# Drafts of declarations and their history (since declarations0012): a member state's
# work in progress, never logged, indexed or counted; approval creates the declaration.
declaration_drafts = draft_tables(
    metadata, drafts="declaration_drafts", steps="declaration_draft_steps"
)
