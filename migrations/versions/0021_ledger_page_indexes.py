"""dashboard ledgers: current classifications by measure, for the returnee ledger filtered by 管控措施

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("status = 'current'")


def upgrade() -> None:
    op.create_index(
        "ix_classification_current_measure",
        "classification",
        ["disposition", "declaration_id"],
        unique=False,
        postgresql_where=CURRENT,
        sqlite_where=CURRENT,
    )


def downgrade() -> None:
    op.drop_index("ix_classification_current_measure", table_name="classification")
