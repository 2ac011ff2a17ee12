"""Story merges: stories.merged_into and merged_at, and the story_merges outbox of StoryMerged events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases (nullable, no default): SQLite does not copy the table.
    op.add_column("stories", sa.Column("merged_into", sa.String(32)))
    op.add_column("stories", sa.Column("merged_at", UTC_TIME))
    op.create_index("ix_stories_merged_into", "stories", ["merged_into"])
    op.create_table(
        "story_merges",
        sa.Column("merge_id", sa.String(32), primary_key=True),
        sa.Column("story_id", sa.String(32), nullable=False, unique=True),
        sa.Column("into_story_id", sa.String(32), nullable=False),
        sa.Column("article_ids", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("merged_at", UTC_TIME, nullable=False),
        sa.Column("announced_at", UTC_TIME),
    )
    op.create_index("ix_story_merges_into_story_id", "story_merges", ["into_story_id"])
    op.create_index("ix_story_merges_announced_at", "story_merges", ["announced_at"])


def downgrade() -> None:
    op.drop_table("story_merges")
    op.drop_index("ix_stories_merged_into", "stories")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("merged_at")
        batch.drop_column("merged_into")
