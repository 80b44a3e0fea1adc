"""The declarative base: a MetaData with a naming convention (so Alembic can name and alter
every constraint, SQLite batch migrations included) and the shared column types."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores `timestamptz`; SQLite has no zone, so values are written as naive UTC
    and read back as aware UTC. Naive datetimes are refused, so local times cannot sneak in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def render_item_for_alembic(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write UTCDateTime into migrations as the plain column type it is stored as."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


SEARCH_PREFIX = "search_"


def include_name_for_alembic(name: str | None, type_: str, parent_names: object) -> bool:
    """Hide the search index (FTS5 tables and their shadow tables, triggers, GIN indexes, all
    named `search_*` by migration 0003) from autogenerate: the models do not describe it."""
    return not (name or "").startswith(SEARCH_PREFIX)


def str_enum(name: str, *values: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint (no native PostgreSQL type)."""
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
