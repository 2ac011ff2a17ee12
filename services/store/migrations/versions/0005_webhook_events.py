"""Webhook deliveries of more than one event: webhook_deliveries.event names the payload's model
(ArticleStored, or StoryMerged keyed by its merge_id and revision 0).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases: every delivery so far was an ArticleStored.
    op.add_column(
        "webhook_deliveries", sa.Column("event", sa.String(32), nullable=False, server_default="ArticleStored")
    )


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("event")
