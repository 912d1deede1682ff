"""Everyday queries on the demo catalog find what a person expects (tests/relevance/queries.py)."""

from tests.relevance.queries import QUERIES, demo_catalog_search, evaluate, figures, in_top


def test_the_expected_offer_is_in_the_top_five_for_nearly_every_everyday_query(tmp_path):
    assert len(QUERIES) >= 60
    outcomes = evaluate(demo_catalog_search(tmp_path))
    missed = [(o.query, o.rank) for o in outcomes if not in_top(o)]
    assert figures(outcomes)["relevance_top5_share"] >= 0.95, missed
