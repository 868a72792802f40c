"""The translators' lexicon: learned word pairs, the corpus lexicon and dictionaries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 00:50:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXED = ('left_document_id', 'left_language', 'left_text', 'right_document_id', 'right_language', 'right_text',
           'run_id', 'source')


def upgrade() -> None:
    op.create_table('lexicon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_language', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_language', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('right_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('evidence', sa.Integer(), nullable=False),
    sa.Column('strength', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['left_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['right_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lexicon', schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f'ix_lexicon_{column}'), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lexicon', schema=None) as batch_op:
        for column in reversed(INDEXED):
            batch_op.drop_index(batch_op.f(f'ix_lexicon_{column}'))
    op.drop_table('lexicon')
