"""Cross-references say what they are: a kind, a meaning score and their word correspondences

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:40:00.000000

``cross_references`` gains ``kind`` (verbatim or reworded; existing rows are verbatim),
``meaning_score`` (the information-weighted word alignment, 0-100, on which verbatim and
reworded passages are one scale) and ``correspondences`` (JSON: which word matched which,
and how). The link version changes with it, so every document is linked again.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='verbatim'))
        batch_op.add_column(sa.Column('meaning_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('correspondences', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cross_references_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_references_kind'))
        batch_op.drop_column('correspondences')
        batch_op.drop_column('meaning_score')
        batch_op.drop_column('kind')
