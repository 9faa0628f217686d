"""county indexes: the outbox by status, kind and channel with their times, covered rows by payload; declarations by day

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = sa.text("status = 'covered'")


def upgrade() -> None:
    op.create_index("ix_outbox_status_created", "outbox_message", ["status", "created_at"], unique=False)
    op.create_index("ix_outbox_kind_created", "outbox_message", ["kind", "created_at"], unique=False)
    op.create_index("ix_outbox_channel_sent", "outbox_message", ["channel", "sent_at"], unique=False)
    op.create_index(
        "ix_outbox_covered",
        "outbox_message",
        ["payload"],
        unique=False,
        postgresql_where=COVERED,
        sqlite_where=COVERED,
    )
    op.create_index("ix_declaration_created", "declaration", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_declaration_created", table_name="declaration")
    op.drop_index("ix_outbox_covered", table_name="outbox_message")
    op.drop_index("ix_outbox_channel_sent", table_name="outbox_message")
    op.drop_index("ix_outbox_kind_created", table_name="outbox_message")
    op.drop_index("ix_outbox_status_created", table_name="outbox_message")
