"""Alembic environment for Synopsis.

The target metadata is ``SQLModel.metadata`` as filled by :mod:`synopsis.schema`. SQLite
cannot ALTER most things, so revisions run in batch mode; FTS5 virtual tables and their
shadow tables are built by the build's last step and kept out of autogenerate's view.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import synopsis.schema  # noqa: F401  (fills SQLModel.metadata)
from synopsis.database import include_name

config = context.config
target_metadata = SQLModel.metadata

OPTIONS = {
    "target_metadata": target_metadata,
    "render_as_batch": True,  # SQLite can only ALTER by copying the table
    "compare_type": True,
    "include_name": include_name,
}


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:  # a connection handed in by synopsis.database
        _run(connectable)
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
