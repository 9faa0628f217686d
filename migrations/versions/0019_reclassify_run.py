"""re-classification progress per list version (chunked, resumable)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reclassify_run',
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('after_id', sa.Integer(), nullable=False),
        sa.Column('checked', sa.Integer(), nullable=False),
        sa.Column('upgraded', sa.Integer(), nullable=False),
        sa.Column('proposed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['list_id'], ['risk_list.id']),
        sa.PrimaryKeyConstraint('list_id'),
    )


def downgrade() -> None:
    op.drop_table('reclassify_run')
