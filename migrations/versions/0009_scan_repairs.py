"""Repair as a declared property of a source: documents.source_kind and the repairs table

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:10:00.000000

Only a source declared a scan (``source_kind = "scan"`` in its ``metadata.toml``) gets the
scan repairs (page-break joins, line-break hyphens, front matter); each repair is a row of
``repairs`` with its offsets. Existing documents are re-ingested by the next build (the
pipeline digest changes), which fills both.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table('repairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_start', sa.Integer(), nullable=False),
    sa.Column('source_end', sa.Integer(), nullable=False),
    sa.Column('char_offset', sa.Integer(), nullable=False),
    sa.Column('removed', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repairs_document_id'), ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repairs_document_id'))
    op.drop_table('repairs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('source_kind')
