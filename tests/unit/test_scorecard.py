"""The scorecard declaration (service/scoring/scorecard.yaml) and the docs generated from it."""

import yaml

from scripts.scorecard import DOCS, SCORES, declaration, render, weight_entry
from service.benchmarks.loader import DATA_DIR, FILES, build_benchmarks


def _factors_in_data(benchmarks) -> set[tuple[str, str]]:
    """(score, code) of every factor the data gives texts to: the score's weights and, for
    differentiation, the fit-based factors of fit.yaml scoring."""
    found = {(score, code) for score in SCORES for code, entry in benchmarks.weights[score].items()
             if hasattr(entry, "get") and "en" in entry}
    found |= {("differentiation", code) for code, entry in benchmarks.fit.scoring.items()
              if hasattr(entry, "get") and "en" in entry and "points" in entry}
    return found


def test_the_docs_tables_are_what_the_declaration_and_the_data_say(benchmarks):
    text = DOCS.read_text(encoding="utf-8")
    assert render(text, benchmarks) == text, "docs/scoring.md's factor tables are stale: run make docs"


def test_every_factor_of_the_data_is_declared_once_for_each_score_it_moves(benchmarks):
    declared = {(score, code) for code, scores in declaration()["factors"].items() for score in scores}
    assert declared == _factors_in_data(benchmarks)
    for score, code in declared:
        assert weight_entry(benchmarks, score, code) is not None, (score, code)


def test_a_weight_change_changes_the_docs():
    raw = {name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in FILES}
    raw["weights.yaml"]["homogeneity"]["distinctive_technology"]["points"] = -9
    raw["fit.yaml"]["scoring"]["focus_sprawl"]["max_count"] = 5
    text = DOCS.read_text(encoding="utf-8")
    changed = render(text, build_benchmarks(raw))
    assert "| `distinctive_technology` | -9 each, up to 2 |" in changed
    assert "| `focus_sprawl` | -5 per unrelated item, up to 5 |" in changed
