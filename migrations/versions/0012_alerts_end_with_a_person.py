"""alerts remember the villager who caused them; call tasks that climb

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_openid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index('ix_outbox_origin', ['origin_openid', 'created_at'], unique=False)
    with op.batch_alter_table('call_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('call_task', schema=None) as batch_op:
        batch_op.drop_column('moved_at')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_origin')
        batch_op.drop_column('origin_openid')
