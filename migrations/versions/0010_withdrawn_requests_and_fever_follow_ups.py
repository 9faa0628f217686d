"""supply requests withdrawn by the household, fever reports followed up

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('supply_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('fever_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_ups', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fever_report', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('follow_ups')
    with op.batch_alter_table('supply_request', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
