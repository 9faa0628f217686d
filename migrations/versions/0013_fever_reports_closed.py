"""fever reports closed by the doctor who followed them up

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('fever_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.create_foreign_key(
            'fk_fever_report_closed_by', 'person', ['closed_by_person_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('fever_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_fever_report_closed_by', type_='foreignkey')
        batch_op.drop_column('outcome')
        batch_op.drop_column('closed_by_person_id')
        batch_op.drop_column('closed_at')
