"""dashboard: audit log, sessions, sign-in attempts, one-time tokens; a cadre's own dashboard account

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('before', sa.Text(), nullable=True),
        sa.Column('after', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('attempted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_attempt_address', 'login_attempt', ['address', 'attempted_at'], unique=False)
    op.create_index('ix_login_attempt_username', 'login_attempt', ['username', 'attempted_at'], unique=False)
    op.create_table(
        'admin_token',
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('openid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_table(
        'admin_session',
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('admin_user_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('csrf_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['admin_user_id'], ['admin_user.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_admin_session_admin_user_id', 'admin_session', ['admin_user_id'], unique=False)
    op.create_index('ix_admin_session_person_id', 'admin_session', ['person_id'], unique=False)
    with op.batch_alter_table('admin_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_admin_user_person', 'person', ['person_id'], ['id'])
        batch_op.create_index('ux_admin_user_person', ['person_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('admin_user', schema=None) as batch_op:
        batch_op.drop_index('ux_admin_user_person')
        batch_op.drop_constraint('fk_admin_user_person', type_='foreignkey')
        batch_op.drop_column('person_id')
    op.drop_index('ix_admin_session_person_id', table_name='admin_session')
    op.drop_index('ix_admin_session_admin_user_id', table_name='admin_session')
    op.drop_table('admin_session')
    op.drop_table('admin_token')
    op.drop_index('ix_login_attempt_username', table_name='login_attempt')
    op.drop_index('ix_login_attempt_address', table_name='login_attempt')
    op.drop_table('login_attempt')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
