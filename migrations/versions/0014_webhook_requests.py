"""signed webhook queries remembered for the replay window

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_request',
    sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('body_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('stamped_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('signature')
    )
    with op.batch_alter_table('webhook_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_request_stamped_at'), ['stamped_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_request_stamped_at'))
    op.drop_table('webhook_request')
