"""risk lists: versions of the official medium/high-risk list and their areas

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('risk_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('checksum', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('high_count', sa.Integer(), nullable=False),
    sa.Column('medium_count', sa.Integer(), nullable=False),
    sa.Column('low_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('checksum')
    )
    op.create_table('risk_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('township', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('community', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('whole_area', sa.Boolean(), nullable=False),
    sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['risk_list.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('risk_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_area_list_id'), ['list_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('risk_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_area_list_id'))

    op.drop_table('risk_area')
    op.drop_table('risk_list')
