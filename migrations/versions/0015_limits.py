"""limits: one person's recent messages are counted by an index; wrong invite codes and limit notices are kept

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_inbound_openid_received', 'inbound_message', ['openid', 'received_at'], unique=False)
    op.create_table(
        'invite_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('openid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('attempted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_invite_attempt_openid', 'invite_attempt', ['openid', 'attempted_at'], unique=False)
    op.create_index('ix_invite_attempt_outcome', 'invite_attempt', ['outcome', 'attempted_at'], unique=False)
    op.create_table(
        'limit_notice',
        sa.Column('openid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('told_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('openid', 'kind'),
    )


def downgrade() -> None:
    op.drop_table('limit_notice')
    op.drop_index('ix_invite_attempt_outcome', table_name='invite_attempt')
    op.drop_index('ix_invite_attempt_openid', table_name='invite_attempt')
    op.drop_table('invite_attempt')
    op.drop_index('ix_inbound_openid_received', table_name='inbound_message')
