"""outbox: a broadcast's text stored once (outbox_body), and fewer indexes kept up on each queued row

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Indexes on columns empty when a row is queued: only the rows where they are set.
PARTIAL = (
    ("ix_outbox_origin", ["origin_openid", "created_at"], "origin_openid"),
    ("ix_outbox_message_wechat_msgid", ["wechat_msgid"], "wechat_msgid"),
    ("ix_outbox_channel_sent", ["channel", "sent_at"], "channel"),
)


def upgrade() -> None:
    op.create_table(
        "outbox_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("outbox_message", sa.Column("body_id", sa.Integer(), nullable=True))
    # ix_outbox_mass (recipient_openid, channel, sent_at) serves every look-up by recipient.
    op.drop_index("ix_outbox_message_recipient_openid", table_name="outbox_message")
    for name, columns, column in PARTIAL:
        op.drop_index(name, table_name="outbox_message")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "outbox_message", columns, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, columns, _column in PARTIAL:
        op.drop_index(name, table_name="outbox_message")
        op.create_index(name, "outbox_message", columns)
    op.create_index("ix_outbox_message_recipient_openid", "outbox_message", ["recipient_openid"])
    op.drop_column("outbox_message", "body_id")
    op.drop_table("outbox_body")
