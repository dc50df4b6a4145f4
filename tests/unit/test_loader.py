import copy

import pytest
import yaml

from service.benchmarks.loader import DATA_DIR, FILES, build_benchmarks, load_benchmarks
from service.errors import BenchmarkDataError


@pytest.fixture(scope="module")
def raw():
    return {name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in FILES}


def test_catalog_holds_at_least_30_cited_report_cases(benchmarks):
    cases = [p for p in benchmarks.products if not p.archetype]
    assert len(cases) >= 30
    for product in cases:
        assert product.sections and product.outcomes, product.id
        assert all(o.section and o.en and o.zh for o in product.outcomes), product.id
    verdicts = {p.verdict for p in benchmarks.products}
    assert {"differentiated", "homogeneous", "penalised"} <= verdicts


def test_five_core_domains_and_rules_are_present(benchmarks):
    domains = {t.code for t in benchmarks.vocabulary.terms("domain")}
    assert {"payments", "lending", "wealth_management", "insurtech", "regtech"} <= domains
    # Each rule cites the report (section and figures) or, from outside it, its legal source and case.
    assert all((rule.section and rule.evidence) or rule.external_basis for rule in benchmarks.rules)
    assert {"mainland_china", "hong_kong", "uk", "eu", "us", "any"} <= {j for r in benchmarks.rules for j in r.jurisdictions}


def test_version_is_a_stable_content_hash(raw):
    first, second = build_benchmarks(copy.deepcopy(raw)), build_benchmarks(copy.deepcopy(raw))
    assert first.version == second.version == load_benchmarks().version
    changed = copy.deepcopy(raw)
    changed["weights.yaml"]["homogeneity"]["no_scenario"]["points"] += 1
    assert build_benchmarks(changed).version != first.version


def _broken(raw, edit):
    data = copy.deepcopy(raw)
    edit(data)
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(data)
    return str(caught.value)


def test_unknown_term_names_file_entry_and_suggestion(raw):
    def edit(data):
        data["catalog.yaml"]["products"][0]["tech_stack"].append("blokchain")
    message = _broken(raw, edit)
    assert "catalog.yaml: products[0] (id=duxiaoman-panshi)" in message
    assert "blokchain" in message and "did you mean 'blockchain'" in message


def test_missing_citation_is_rejected(raw):
    def edit(data):
        data["market.yaml"]["figures"]["industry_retention"]["section"] = ""
    assert ("market.yaml: figures.industry_retention: key 'section' must be a report section such as '2.3.1'"
            in _broken(raw, edit))


def test_duplicate_id_is_rejected(raw):
    def edit(data):
        data["catalog.yaml"]["products"].append(copy.deepcopy(data["catalog.yaml"]["products"][0]))
    assert "catalog.yaml: id=duxiaoman-panshi: duplicate id (2 entries)" in _broken(raw, edit)


def test_shapes_are_checked_before_references(raw):
    """Every file's shape problems come first, all together; references are checked on data of the right
    shape, so that a malformed entry does not also produce a train of follow-on problems."""
    def unknown_condition(data):
        data["rules.yaml"]["rules"][1]["when"]["colour"] = ["red"]

    def unknown_figure(data):
        data["rules.yaml"]["rules"][0]["evidence"].append("no_such_figure")
    both = _broken(raw, lambda data: (unknown_condition(data), unknown_figure(data)))
    assert "1 problem(s)" in both and "unknown key 'when.colour'" in both
    assert "evidence 'no_such_figure' names no market figure" in _broken(raw, unknown_figure)


def test_every_problem_is_reported_at_once(raw):
    def edit(data):
        data["catalog.yaml"]["products"][0]["sections"] = []
        data["catalog.yaml"]["products"][1]["verdict"] = "great"
    message = _broken(raw, edit)
    assert "2 problem(s)" in message and "must cite at least one report section" in message and "'great'" in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(BenchmarkDataError, match="vocabulary.yaml: benchmark data file missing"):
        load_benchmarks(tmp_path)


def test_docs_explain_every_factor_and_rule(benchmarks):
    text = (DATA_DIR.parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    codes = {r.id for r in benchmarks.rules} | {r.id for r in benchmarks.reliefs}
    for score in ("differentiation", "homogeneity"):
        codes |= {k for k, v in benchmarks.weights[score].items() if hasattr(v, "get") and "en" in v}
    missing = sorted(c for c in codes if f"`{c}`" not in text)
    assert not missing, f"docs/scoring.md does not explain {missing}"


def test_a_catalog_as_json_lines_loads_the_same_data_and_version(tmp_path, raw, benchmarks):
    import json
    import shutil

    for name in FILES:
        if name != "catalog.yaml":
            shutil.copy(DATA_DIR / name, tmp_path / name)
    with (tmp_path / "catalog.jsonl").open("w", encoding="utf-8") as handle:
        for product in raw["catalog.yaml"]["products"]:
            handle.write(json.dumps(product, ensure_ascii=False) + "\n")
    from_lines = load_benchmarks(tmp_path)
    assert from_lines.version == benchmarks.version
    assert [p.profile for p in from_lines.products] == [p.profile for p in benchmarks.products]
    (tmp_path / "catalog.jsonl").write_text('{"id": "x"\n', encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match="catalog.jsonl: line 1 is not valid JSON"):
        load_benchmarks(tmp_path)
