"""Search in each document's language: a search_terms column on paragraphs and quotations

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30 09:10:00.000000

Paragraphs and quotations gain ``search_terms``: what full-text search indexes beside the
text in the document's language (Snowball stems for it/fr/de/ru, ideograph bigrams for
zh/lzh; see :mod:`synopsis.languages.search`). Existing rows are filled here, and
full-text indexes already built are rebuilt with the new column.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_FTS = ("paragraphs_fts", "quotations_fts")


def _drop_fts(connection) -> bool:
    """Drop the full-text indexes and their triggers; whether there were any."""
    names = {row[0] for row in connection.execute(sa.text("SELECT name FROM sqlite_master"))}
    had = any(fts in names for fts in _FTS)
    for fts in _FTS:
        for suffix in ("ai", "ad", "au"):
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {fts}"))
    return had


def _fill(connection) -> None:
    from synopsis.languages import profile_for
    from synopsis.languages.search import search_terms

    languages = dict(connection.execute(sa.text("SELECT id, language FROM documents")).fetchall())
    for table in ("paragraphs", "quotations"):
        rows = connection.execute(sa.text(f"SELECT id, document_id, text FROM {table}")).fetchall()
        updates = []
        for row_id, document_id, text in rows:
            terms = search_terms(text, profile_for(languages.get(document_id)))
            if terms is not None:
                updates.append({"id": row_id, "terms": terms})
        if updates:
            connection.execute(sa.text(f"UPDATE {table} SET search_terms = :terms WHERE id = :id"), updates)


def upgrade() -> None:
    connection = op.get_bind()
    had_fts = _drop_fts(connection)
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_terms', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_terms', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    _fill(connection)
    if had_fts:
        from synopsis.database import build_fts

        build_fts(connection)


def downgrade() -> None:
    _drop_fts(op.get_bind())  # the older build recreates them without the column
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.drop_column('search_terms')
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.drop_column('search_terms')
