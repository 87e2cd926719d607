"""Alembic's environment for the case store: run with the connection the Store hands over."""

from alembic import context

from claimtrace.store import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("claimtrace migrations run from claimtrace.store.migrate(), not by hand")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
