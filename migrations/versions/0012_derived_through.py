"""Cross-references composed through an alignment say what they were derived from

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-08 03:30:00.000000

``cross_references`` gains ``derived_through`` (JSON, null for links found directly): a
translated link composed from a link to another version of the work and that version's
sentence alignment names the link (base document, paragraph, span) and the alignment
(the other version, the sentence ids joined). The link version changes with it, so every
document is linked again.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0012'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derived_through', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cross_references', schema=None) as batch_op:
        batch_op.drop_column('derived_through')
