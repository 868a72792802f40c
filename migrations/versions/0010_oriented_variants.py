"""The oriented_variants view: word variants seen from both editions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 00:40:00.000000

``synopsis variants``, the compare page and the paragraph page turned a variant round
for the other edition in three places (an insertion read from the other side is a
deletion); the view is the one home of that rule, beside ``oriented_alignments``.
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# the view as this revision made it (a later change to synopsis.schema needs a revision of its own)
DDL = """create view if not exists oriented_variants as
    select id, run_id, kind, trivial, left_document_id as a_document_id, right_document_id as b_document_id,
           left_paragraph_id as a_paragraph_id, right_paragraph_id as b_paragraph_id,
           left_start as a_start, left_end as a_end, right_start as b_start, right_end as b_end,
           left_text as a_text, right_text as b_text, 1 as forward from variants
    union all
    select id, run_id,
           case kind when 'insertion' then 'deletion' when 'deletion' then 'insertion' else kind end,
           trivial, right_document_id, left_document_id, right_paragraph_id, left_paragraph_id,
           right_start, right_end, left_start, left_end, right_text, left_text, 0
    from variants where left_document_id <> right_document_id"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("drop view if exists oriented_variants")
