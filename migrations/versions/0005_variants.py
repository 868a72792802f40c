"""Variants of editions, word by word

Revision ID: 0005
Revises: 0003 (the lead rechains it after 0004)
Create Date: 2026-11-30 08:59:57.343708
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('left_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_paragraph_id', sa.Integer(), nullable=False),
    sa.Column('right_paragraph_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_start', sa.Integer(), nullable=False),
    sa.Column('left_end', sa.Integer(), nullable=False),
    sa.Column('right_start', sa.Integer(), nullable=False),
    sa.Column('right_end', sa.Integer(), nullable=False),
    sa.Column('left_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('trivial', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['left_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['left_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['right_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['right_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variants_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_left_document_id'), ['left_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_left_paragraph_id'), ['left_paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_right_document_id'), ['right_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_right_paragraph_id'), ['right_paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variants_trivial'), ['trivial'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variants_trivial'))
        batch_op.drop_index(batch_op.f('ix_variants_run_id'))
        batch_op.drop_index(batch_op.f('ix_variants_right_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_variants_right_document_id'))
        batch_op.drop_index(batch_op.f('ix_variants_left_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_variants_left_document_id'))
        batch_op.drop_index(batch_op.f('ix_variants_kind'))

    op.drop_table('variants')
