"""household members, proxy declarations, classification history, quarantine, checkpoint reports, list sources

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0006 left classification's unique constraint unnamed; batch mode on SQLite needs a name to drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
AutoString = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_by_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('relation', AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('id_number', AutoString(length=18), nullable=True))
        batch_op.add_column(sa.Column('transport_detail', AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('active_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_declaration_declared_by', 'person', ['declared_by_person_id'], ['id'])
    op.execute("UPDATE declaration SET active_until = arrived_on")
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.alter_column('active_until', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_declaration_active_until', ['active_until'], unique=False)

    op.create_table('household_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('name', AutoString(length=50), nullable=False),
    sa.Column('relation', AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_household_member_declaration_id', 'household_member', ['declaration_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('classification_declaration_id_key', 'classification', type_='unique')
    else:
        with op.batch_alter_table('classification', naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint('uq_classification_declaration_id', type_='unique')
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', AutoString(length=12), nullable=False, server_default='current'))
        batch_op.add_column(sa.Column('source', AutoString(length=12), nullable=False, server_default='declared'))
        batch_op.add_column(sa.Column('decided_by_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('decided_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_classification_decided_by', 'person', ['decided_by_person_id'], ['id'])
        batch_op.create_index('ix_classification_declaration_id', ['declaration_id'], unique=False)
    op.create_index(
        'uq_classification_current', 'classification', ['declaration_id'], unique=True,
        sqlite_where=sa.text("status = 'current'"), postgresql_where=sa.text("status = 'current'"),
    )

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('classification_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('kind', AutoString(length=20), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('home_start_on', sa.Date(), nullable=True),
    sa.Column('sampling_dates', AutoString(), nullable=False),
    sa.Column('status', AutoString(length=12), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['classification_id'], ['classification.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('declaration_id', 'person_id', 'village_id', 'status'):
        op.create_index(f'ix_quarantine_{column}', 'quarantine', [column], unique=False)

    op.create_table('checkpoint_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_person_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('anomaly', sa.Boolean(), nullable=False),
    sa.Column('name', AutoString(length=50), nullable=True),
    sa.Column('phone', AutoString(length=20), nullable=True),
    sa.Column('plate', AutoString(length=12), nullable=True),
    sa.Column('origin', AutoString(length=200), nullable=True),
    sa.Column('health_code', AutoString(length=10), nullable=True),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('action', AutoString(length=500), nullable=True),
    sa.Column('text', AutoString(length=2000), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('seen_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reporter_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('reporter_person_id', 'village_id', 'seen_at'):
        op.create_index(f'ix_checkpoint_report_{column}', 'checkpoint_report', [column], unique=False)

    op.create_table('risk_list_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', AutoString(length=1000), nullable=False),
    sa.Column('etag', AutoString(length=200), nullable=True),
    sa.Column('last_modified', AutoString(length=100), nullable=True),
    sa.Column('checksum', AutoString(length=64), nullable=True),
    sa.Column('checked_at', UTCDateTime(), nullable=True),
    sa.Column('changed_at', UTCDateTime(), nullable=True),
    sa.Column('last_error', AutoString(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )


def downgrade() -> None:
    op.drop_table('risk_list_source')
    op.drop_table('checkpoint_report')
    op.drop_table('quarantine')
    op.drop_index('uq_classification_current', table_name='classification')
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.drop_index('ix_classification_declaration_id')
        batch_op.drop_constraint('fk_classification_decided_by', type_='foreignkey')
        for column in ('decided_at', 'note', 'decided_by_person_id', 'source', 'status'):
            batch_op.drop_column(column)
        batch_op.create_unique_constraint('uq_classification_declaration_id', ['declaration_id'])
    op.drop_index('ix_household_member_declaration_id', table_name='household_member')
    op.drop_table('household_member')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_active_until')
        batch_op.drop_constraint('fk_declaration_declared_by', type_='foreignkey')
        for column in ('updated_at', 'active_until', 'transport_detail', 'id_number', 'relation',
                       'declared_by_person_id'):
            batch_op.drop_column(column)
