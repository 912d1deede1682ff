"""The centre's schema migrations (Alembic): `versions/` holds one revision per schema change.

`sync.server.db.Database` runs them at start; a SQLite file made before Alembic (schema 1 to 8,
numbered by its `user_version`) is first brought to schema 6 if older, and stamped with the revision
that holds the same (`dialect.LEGACY_REVISIONS`).
A new revision: a file in `versions/` whose `down_revision` is the last one, written with
`alembic.op` so that it runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    heads = ScriptDirectory.from_config(_config(None)).get_heads()  # type: ignore[arg-type]
    return str(heads[0])


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def stamp(connection: Connection, revision: str) -> None:
    command.stamp(_config(connection), revision)


def upgrade(connection: Connection) -> None:
    command.upgrade(_config(connection), "head")


def revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config(None)).walk_revisions()}  # type: ignore[arg-type]
