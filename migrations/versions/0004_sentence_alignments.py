"""Sentence alignments of versions, and the oriented views of alignments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:10:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# the views as this revision made them (a later change to synopsis.schema.VIEWS needs a revision of its own)
VIEWS = {
    "oriented_alignments": """create view if not exists oriented_alignments as
    select id, run_id, method, bead, rank, score, left_document_id as a_document_id, right_document_id as b_document_id, left_paragraph_id as a_paragraph_id, right_paragraph_id as b_paragraph_id, pattern, 1 as forward from alignments
    union all
    select id, run_id, method, bead, rank, score, right_document_id, left_document_id, right_paragraph_id, left_paragraph_id,
           case when instr(pattern, '-') > 0
                then substr(pattern, instr(pattern, '-') + 1) || '-' || substr(pattern, 1, instr(pattern, '-') - 1)
           end, 0 from alignments where left_document_id <> right_document_id""",
    "oriented_sentence_alignments": """create view if not exists oriented_sentence_alignments as
    select id, run_id, method, bead, score, left_document_id as a_document_id, right_document_id as b_document_id, left_paragraph_id as a_paragraph_id, right_paragraph_id as b_paragraph_id, left_sentence_id as a_sentence_id, right_sentence_id as b_sentence_id, pattern, 1 as forward from sentence_alignments
    union all
    select id, run_id, method, bead, score, right_document_id, left_document_id, right_paragraph_id, left_paragraph_id, right_sentence_id, left_sentence_id,
           case when instr(pattern, '-') > 0
                then substr(pattern, instr(pattern, '-') + 1) || '-' || substr(pattern, 1, instr(pattern, '-') - 1)
           end, 0 from sentence_alignments where left_document_id <> right_document_id""",
}


def upgrade() -> None:
    op.create_table('sentence_alignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_sentence_id', sa.Integer(), nullable=True),
    sa.Column('right_sentence_id', sa.Integer(), nullable=True),
    sa.Column('left_paragraph_id', sa.Integer(), nullable=True),
    sa.Column('right_paragraph_id', sa.Integer(), nullable=True),
    sa.Column('bead', sa.Integer(), nullable=False),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['left_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['left_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['left_sentence_id'], ['sentences.id'], ),
    sa.ForeignKeyConstraint(['right_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['right_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['right_sentence_id'], ['sentences.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sentence_alignments', schema=None) as batch_op:
        for column in ('left_document_id', 'left_paragraph_id', 'left_sentence_id', 'right_document_id',
                       'right_paragraph_id', 'right_sentence_id', 'run_id'):
            batch_op.create_index(batch_op.f(f'ix_sentence_alignments_{column}'), [column], unique=False)
    for ddl in VIEWS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"drop view if exists {name}")
    with op.batch_alter_table('sentence_alignments', schema=None) as batch_op:
        for column in ('run_id', 'right_sentence_id', 'right_paragraph_id', 'right_document_id', 'left_sentence_id',
                       'left_paragraph_id', 'left_document_id'):
            batch_op.drop_index(batch_op.f(f'ix_sentence_alignments_{column}'))
    op.drop_table('sentence_alignments')
