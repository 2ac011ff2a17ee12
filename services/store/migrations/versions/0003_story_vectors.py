"""Story placement by members and rarity over recent articles: each placed article's vector, and the
running document frequency of names and body words.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_vectors",
        sa.Column(
            "article_id",
            sa.String(64),
            sa.ForeignKey("articles.article_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("story_id", sa.String(32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vector", sa.JSON(), nullable=False),
    )
    op.create_index("ix_article_vectors_story_id", "article_vectors", ["story_id"])
    op.create_table(
        "term_counts",
        sa.Column("term", sa.String(200), primary_key=True),
        sa.Column("week", sa.Integer(), primary_key=True),
        sa.Column("shard", sa.SmallInteger(), primary_key=True),
        sa.Column("articles", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("term_counts")
    op.drop_table("article_vectors")
