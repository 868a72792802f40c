"""Runs of the linkers, paragraph alignments and cross-references

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:33:37.832425
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('parameters', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('versions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inputs_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('link_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['left_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['right_document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_inputs_sha256'), ['inputs_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_runs_left_document_id'), ['left_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_runs_right_document_id'), ['right_document_id'], unique=False)

    op.create_table('alignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('right_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('left_paragraph_id', sa.Integer(), nullable=True),
    sa.Column('right_paragraph_id', sa.Integer(), nullable=True),
    sa.Column('bead', sa.Integer(), nullable=True),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['left_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['left_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['right_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['right_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alignments_left_document_id'), ['left_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alignments_left_paragraph_id'), ['left_paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alignments_right_document_id'), ['right_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alignments_right_paragraph_id'), ['right_paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alignments_run_id'), ['run_id'], unique=False)

    op.create_table('cross_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_paragraph_id', sa.Integer(), nullable=False),
    sa.Column('target_paragraph_id', sa.Integer(), nullable=False),
    sa.Column('quotation_id', sa.Integer(), nullable=True),
    sa.Column('source_start', sa.Integer(), nullable=False),
    sa.Column('source_end', sa.Integer(), nullable=False),
    sa.Column('target_start', sa.Integer(), nullable=False),
    sa.Column('target_end', sa.Integer(), nullable=False),
    sa.Column('source_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['quotation_id'], ['quotations.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.ForeignKeyConstraint(['source_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['source_paragraph_id'], ['paragraphs.id'], ),
    sa.ForeignKeyConstraint(['target_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['target_paragraph_id'], ['paragraphs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cross_references_quotation_id'), ['quotation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_references_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_references_source_document_id'), ['source_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_references_source_paragraph_id'), ['source_paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_references_target_document_id'), ['target_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_references_target_paragraph_id'), ['target_paragraph_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_references_target_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_cross_references_target_document_id'))
        batch_op.drop_index(batch_op.f('ix_cross_references_source_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_cross_references_source_document_id'))
        batch_op.drop_index(batch_op.f('ix_cross_references_run_id'))
        batch_op.drop_index(batch_op.f('ix_cross_references_quotation_id'))

    op.drop_table('cross_references')
    with op.batch_alter_table('alignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alignments_run_id'))
        batch_op.drop_index(batch_op.f('ix_alignments_right_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_alignments_right_document_id'))
        batch_op.drop_index(batch_op.f('ix_alignments_left_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_alignments_left_document_id'))

    op.drop_table('alignments')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_right_document_id'))
        batch_op.drop_index(batch_op.f('ix_runs_left_document_id'))
        batch_op.drop_index(batch_op.f('ix_runs_inputs_sha256'))

    op.drop_table('runs')
