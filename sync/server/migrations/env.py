"""Alembic's entry point: the migrations run on the connection `sync.server.migrations` hands over,
inside the caller's transaction."""

from __future__ import annotations

from alembic import context

context.configure(connection=context.config.attributes["connection"], transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
