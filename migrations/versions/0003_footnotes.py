"""Footnotes of documents read from HTML

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:33:37.832425
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('footnotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=True),
    sa.Column('marker', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('call_offset', sa.Integer(), nullable=True),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    with op.batch_alter_table('footnotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_footnotes_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_footnotes_paragraph_id'), ['paragraph_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('footnotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footnotes_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_footnotes_document_id'))

    op.drop_table('footnotes')
