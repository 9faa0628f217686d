"""declarations from abroad keep the entry date, the port city and the central days done there; a classification
keeps the day its home part starts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('port_city', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.add_column(sa.Column('port_quarantine_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_start_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.drop_column('home_start_on')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_column('port_quarantine_days')
        batch_op.drop_column('port_city')
        batch_op.drop_column('entry_date')
