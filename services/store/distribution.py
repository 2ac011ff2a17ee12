"""How the store's tables map onto a distributed PostgreSQL (Citus), and the SQL that does it.

Articles and everything hanging off one article (its mentions, its MinHash band keys) are distributed
by `article_id` and co-located, so writing an article - the store's whole transaction - touches one
shard. `entities` is a reference table (copied to every node): mentions point at it, and a foreign
key from a distributed table may point at a reference table. `stories` is distributed by its own id.
Webhook `subscriptions` are a reference table, their `webhook_deliveries` distributed by subscription.

Citus rules this plan must keep (checked by tests/store/test_distribution.py against tables.py):
- a distributed table's primary key and unique constraints include its distribution column;
- a foreign key between distributed tables joins their distribution columns (co-located tables);
  any other foreign key points at a reference table.
Queries that do not name an article id (by entity, by story, by band key, search) fan out to every
shard; each shard answers from its own indexes.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class TableDistribution(NamedTuple):
    kind: Literal["distributed", "reference"]
    column: str | None = None  # the distribution column
    colocate_with: str | None = None


PLAN: dict[str, TableDistribution] = {
    "articles": TableDistribution("distributed", "article_id"),
    "mentions": TableDistribution("distributed", "article_id", colocate_with="articles"),
    "article_bands": TableDistribution("distributed", "article_id", colocate_with="articles"),
    "entities": TableDistribution("reference"),
    "stories": TableDistribution("distributed", "story_id"),
    # Story placement: each article's vector lives with the article; the running document frequency
    # is distributed by term (a placement reads and counts its few hundred terms by key).
    "article_vectors": TableDistribution("distributed", "article_id", colocate_with="articles"),
    "term_counts": TableDistribution("distributed", "term"),
    # Story merges: a few per pass, unique by merged story and by merge id (two keys: not shardable).
    "story_merges": TableDistribution("reference"),
    # Webhooks: a few subscriptions, read by every deliver replica; their deliveries by subscription.
    "subscriptions": TableDistribution("reference"),
    "webhook_deliveries": TableDistribution("distributed", "subscription_id"),
}


def citus_sql() -> list[str]:
    """The statements that distribute an empty newsflow database (run after Store.create_schema)."""
    statements = []
    # Reference tables first: distributed tables' foreign keys point at them.
    for table, placement in sorted(PLAN.items(), key=lambda item: item[1].kind != "reference"):
        if placement.kind == "reference":
            statements.append(f"SELECT create_reference_table('{table}');")
        elif placement.colocate_with:
            statements.append(
                f"SELECT create_distributed_table('{table}', '{placement.column}', "
                f"colocate_with => '{placement.colocate_with}');"
            )
        else:
            statements.append(f"SELECT create_distributed_table('{table}', '{placement.column}');")
    return statements
