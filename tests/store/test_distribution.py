"""The Citus plan against the real table definitions: the rules Citus enforces, checked without Citus."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint

from services.store.distribution import PLAN, citus_sql
from services.store.tables import metadata


def test_every_table_has_a_placement():
    assert set(PLAN) == set(metadata.tables)


def test_unique_keys_of_distributed_tables_hold_their_distribution_column():
    for name, placement in PLAN.items():
        if placement.kind != "distributed":
            continue
        table = metadata.tables[name]
        keys = [{c.name for c in table.primary_key.columns}]
        keys += [{c.name for c in con.columns} for con in table.constraints if isinstance(con, UniqueConstraint)]
        keys += [{c.name for c in index.columns} for index in table.indexes if index.unique]
        for key in keys:
            assert placement.column in key, (name, key)


def test_foreign_keys_join_co_located_tables_or_point_at_reference_tables():
    for name, placement in PLAN.items():
        for constraint in metadata.tables[name].constraints:
            if not isinstance(constraint, ForeignKeyConstraint):
                continue
            target = PLAN[constraint.referred_table.name]
            if target.kind == "reference":
                continue
            assert placement.kind == "distributed", (name, constraint.referred_table.name)
            # Co-located, and the key joins the two distribution columns.
            assert placement.colocate_with == constraint.referred_table.name or name == constraint.referred_table.name
            pairs = {(e.parent.name, e.column.name) for e in constraint.elements}
            assert (placement.column, target.column) in pairs, (name, pairs)


def test_the_sql_makes_reference_tables_before_the_tables_that_point_at_them():
    sql = citus_sql()
    assert sql[0] == "SELECT create_reference_table('entities');"
    assert "SELECT create_distributed_table('mentions', 'article_id', colocate_with => 'articles');" in sql
    assert sql.index("SELECT create_distributed_table('articles', 'article_id');") < sql.index(
        "SELECT create_distributed_table('mentions', 'article_id', colocate_with => 'articles');"
    )
