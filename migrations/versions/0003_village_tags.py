"""village tags: each village's WeChat tag id, and the village whose tag a person carries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wechat_tag_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tagged_village_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_person_tagged_village_id', 'village', ['tagged_village_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('fk_person_tagged_village_id', type_='foreignkey')
        batch_op.drop_column('tagged_village_id')

    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_column('wechat_tag_id')
