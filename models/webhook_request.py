"""Signed webhook queries already used, kept for the replay window: a captured query cannot carry another body."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from models.sql import Sql


class WebhookRequest(SQLModel, table=True):
    """One signed query (its signature over token, timestamp and nonce) and the body it carried."""

    __tablename__ = "webhook_request"

    signature: str = Field(primary_key=True, max_length=64)
    body_hash: str = Field(max_length=64)
    # The query's own timestamp (seconds): the query is accepted while it is within the window of now.
    stamped_at: int = Field(sa_type=BigInteger, index=True)


REMEMBER = (
    "INSERT INTO webhook_request (signature, body_hash, stamped_at) VALUES (:signature, :body_hash, :stamped_at)"
    " ON CONFLICT (signature) DO NOTHING"
)
BODY_OF = "SELECT body_hash FROM webhook_request WHERE signature = :signature"
FORGET = "DELETE FROM webhook_request WHERE stamped_at < :before"


def remember_request(sql: Sql, *, signature: str, body_hash: str, stamped_at: int) -> bool:
    """Record a query's first use; False when it was used before with another body."""
    if sql.run(REMEMBER, signature=signature, body_hash=body_hash, stamped_at=stamped_at):
        return True
    stored = sql.one(BODY_OF, signature=signature)
    return stored is None or stored[0] == body_hash


def forget_requests(sql: Sql, *, stamped_before: int) -> int:
    """Drop queries too old to be accepted again; how many went."""
    return sql.run(FORGET, before=stamped_before)
