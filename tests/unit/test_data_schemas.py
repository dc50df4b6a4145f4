"""Bad benchmark data stops start-up, naming the file, the entry and the key (issue 14).

For each data file: a missing key, a wrong type and a dangling reference, on mutated copies of the
report data. The compiled fast check must agree with marshmallow's own validation."""

import copy
import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service import create_app
from service.benchmarks import data_schemas
from service.benchmarks.loader import CATALOG_LINES, DATA_DIR, FILES, build_benchmarks
from service.errors import BenchmarkDataError
from service.settings import Settings


@pytest.fixture(scope="module")
def raw(report_data):
    """The parsed report files with the products of catalog.yaml in it (never mutated: copy first)."""
    return report_data[0]


def problems(raw, file, edit) -> list[tuple[str, str]]:
    data = copy.deepcopy(raw)
    edit(data[file])
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(data)
    assert caught.value.errors, "a data error lists its problems"
    return [(e.field, e.message) for e in caught.value.errors]


def term(data, kind, code):
    return data[kind][code]


def product(data, index=0):
    return data["products"][index]


def rule(data, rule_id):
    return next(r for r in data["rules"] if r["id"] == rule_id)


# (file, what is wrong, edit of that file's data, expected field 'file: entry', expected message part)
CASES = [
    # vocabulary.yaml
    ("vocabulary.yaml", "missing", lambda d: term(d, "technology", "blockchain").pop("en"),
     "vocabulary.yaml: technology.blockchain", "missing key 'en'"),
    ("vocabulary.yaml", "type", lambda d: term(d, "scenario", "pets").update(vertical="yes"),
     "vocabulary.yaml: scenario.pets", "key 'vertical' must be true or false, not str 'yes'"),
    ("vocabulary.yaml", "reference", lambda d: term(d, "technology", "llm").update(parent="aii"),
     "vocabulary.yaml: technology.llm", "parent 'aii' names no technology term"),
    ("vocabulary.yaml", "reference", lambda d: term(d, "scenario", "pets").update(domains=["insurtek"]),
     "vocabulary.yaml: scenario.pets", "domains 'insurtek' names no domain term; did you mean 'insurtech'"),
    ("vocabulary.yaml", "unknown", lambda d: term(d, "technology", "llm").update(colour="red"),
     "vocabulary.yaml: technology.llm", "unknown key 'colour'"),
    # market.yaml
    ("market.yaml", "missing", lambda d: d["figures"]["industry_retention"].pop("value"),
     "market.yaml: figures.industry_retention", "missing key 'value'"),
    ("market.yaml", "type", lambda d: d["figures"]["industry_retention"].update(value="30%"),
     "market.yaml: figures.industry_retention", "key 'value' must be a number, not str '30%'"),
    ("market.yaml", "reference", lambda d: d["segment_needs"]["gen_z"]["scenarios"].append("sociall"),
     "market.yaml: segment_needs.gen_z", "scenarios 'sociall' names no scenario term; did you mean 'social'"),
    ("market.yaml", "reference", lambda d: d["figures"]["gen_z_share"].update(segments=["gen_zz"]),
     "market.yaml: figures.gen_z_share", "segments 'gen_zz' names no segment term"),
    # catalog.yaml
    ("catalog.yaml", "missing", lambda d: product(d).pop("domain"),
     "catalog.yaml: products[0] (id=duxiaoman-panshi)", "missing key 'domain'"),
    ("catalog.yaml", "type", lambda d: product(d).update(tech_stack="blockchain"),
     "catalog.yaml: products[0] (id=duxiaoman-panshi)", "key 'tech_stack' must be a list"),
    ("catalog.yaml", "reference", lambda d: product(d)["tech_stack"].append("blokchain"),
     "catalog.yaml: products[0] (id=duxiaoman-panshi)",
     "tech_stack 'blokchain' names no technology term; did you mean 'blockchain'"),
    ("catalog.yaml", "type", lambda d: product(d, 1)["compliance"].update(max_apr="24%"),
     "catalog.yaml: products[1] (id=webank-weiqilian)", "key 'compliance.max_apr' must be a number >= 0"),
    # rules.yaml
    ("rules.yaml", "missing", lambda d: rule(d, "license_payments").pop("severity"),
     "rules.yaml: rules[0] (id=license_payments)", "missing key 'severity'"),
    ("rules.yaml", "type", lambda d: rule(d, "license_payments").update(severity="high"),
     "rules.yaml: rules[0] (id=license_payments)", "key 'severity' must be a number >= 0, not str 'high'"),
    ("rules.yaml", "reference", lambda d: rule(d, "license_payments")["evidence"].append("no_such_figure"),
     "rules.yaml: rules[0] (id=license_payments)", "evidence 'no_such_figure' names no market figure"),
    ("rules.yaml", "reference", lambda d: rule(d, "license_payments")["remedy"].update(value="payment_licence"),
     "rules.yaml: rules[0] (id=license_payments)", "remedy.value 'payment_licence' names no license term"),
    ("rules.yaml", "reference", lambda d: rule(d, "license_lending")["when"].update(domain=["lendng"]),
     "rules.yaml: rules[1] (id=license_lending)", "when.domain 'lendng' names no domain term"),
    ("rules.yaml", "unknown", lambda d: rule(d, "license_lending")["when"].update(colour=["red"]),
     "rules.yaml: rules[1] (id=license_lending)", "unknown key 'when.colour'"),
    # weights.yaml
    ("weights.yaml", "missing", lambda d: d["homogeneity"]["neighbour_density"].pop("cap"),
     "weights.yaml: homogeneity.neighbour_density", "missing key 'cap'"),
    ("weights.yaml", "type", lambda d: d["similarity"].update(nearest_k=2.5),
     "weights.yaml: similarity", "key 'nearest_k' must be a whole number >= 0, not float 2.5"),
    ("weights.yaml", "type", lambda d: d["differentiation"]["segment_fit"].update(en="Meets {lable}"),
     "weights.yaml: differentiation.segment_fit", "key 'en' must be text with placeholders among {label}"),
    ("weights.yaml", "reference", lambda d: d["differentiation"]["segment_fit"]["evidence"].append("gen_zz_share"),
     "weights.yaml: differentiation.segment_fit", "evidence 'gen_zz_share' names no market figure"),
    ("weights.yaml", "reference", lambda d: d["homogeneity"]["tech_without_scenario"]["benchmarks"].append("nobody"),
     "weights.yaml: homogeneity.tech_without_scenario", "benchmarks 'nobody' names no benchmark case"),
    ("weights.yaml", "reference", lambda d: d["domains"].pop("regtech"),
     "weights.yaml: domains.regtech", "no base values for this domain"),
]


@pytest.mark.parametrize("file, wrong, edit, where, message", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[4][:30]}" for c in CASES])
def test_bad_data_names_file_entry_and_key(raw, file, wrong, edit, where, message):
    found = problems(raw, file, edit)
    assert any(field == where and message in text for field, text in found), found


def test_every_file_has_a_missing_key_a_wrong_type_and_a_dangling_reference_case():
    """The files data_schemas describes (fit.yaml is checked by service/benchmarks/fit.py, its tests)."""
    covered = {(c[0], c[1]) for c in CASES}
    assert {(f, w) for f in data_schemas.FILE_CHECKS for w in ("missing", "type", "reference")} <= covered


def test_start_up_refuses_the_motivating_edit(tmp_path):
    """Deleting homogeneity.neighbour_density.cap used to load and fail the first score with a KeyError."""
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "weights.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    cap: 32\n", "", 1), encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match=r"weights.yaml: homogeneity.neighbour_density: missing key 'cap'"):
        create_app(Settings(benchmark_path=str(tmp_path)))


def test_a_product_line_of_catalog_jsonl_is_named_by_its_position(tmp_path, raw):
    for name in FILES:
        if name != "catalog.yaml":
            shutil.copy(DATA_DIR / name, tmp_path / name)
    products = copy.deepcopy(raw["catalog.yaml"]["products"])
    products[2]["verdict"] = "great"
    (tmp_path / CATALOG_LINES).write_text("\n".join(json.dumps(p) for p in products), encoding="utf-8")
    with pytest.raises(BenchmarkDataError) as caught:
        create_app(Settings(benchmark_path=str(tmp_path)))
    [error] = caught.value.errors
    assert error.field == f"catalog.jsonl: products[2] (id={products[2]['id']})"
    assert error.message.startswith("key 'verdict' must be one of differentiated, homogeneous, penalised")


def test_schema_problems_of_every_file_come_together(raw):
    data = copy.deepcopy(raw)
    data["vocabulary.yaml"]["technology"]["llm"]["red_line"] = 1
    data["weights.yaml"]["bands"].pop("high_from")
    data["rules.yaml"]["reliefs"][0]["points"] = 3
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(data)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["vocabulary.yaml: technology.llm", "rules.yaml: reliefs[0] (id=regulatory_sandbox)",
                      "weights.yaml: bands"]


def test_unknown_keys_of_one_entry_are_one_problem(raw):
    def edit(catalog):
        product(catalog)["colour"] = "red"
        product(catalog)["compliance"]["licence"] = []
    [(field, message)] = problems(raw, "catalog.yaml", edit)
    assert field == "catalog.yaml: products[0] (id=duxiaoman-panshi)"
    assert message == "unknown keys 'colour', 'compliance.licence': rejected, not ignored (misspelt?)"


def test_a_vocabulary_term_cites_a_section_or_an_external_basis(raw):
    def edit(vocabulary):
        term(vocabulary, "technology", "llm").pop("section", None)
        term(vocabulary, "technology", "llm").pop("basis", None)
    [(field, message)] = problems(raw, "vocabulary.yaml", edit)
    assert field == "vocabulary.yaml: technology.llm" and message.startswith("cites nothing")
    data = copy.deepcopy(raw)
    edit(data["vocabulary.yaml"])
    term(data["vocabulary.yaml"], "technology", "llm")["basis"] = "an external classification"
    assert build_benchmarks(data).vocabulary.term("technology", "llm").basis == "an external classification"


def test_a_parent_chain_may_not_loop(raw):
    def edit(vocabulary):
        term(vocabulary, "technology", "llm")["parent"] = "machine_learning"
        term(vocabulary, "technology", "machine_learning")["parent"] = "llm"
    found = problems(raw, "vocabulary.yaml", edit)
    assert ("vocabulary.yaml: technology.llm", "parent chain loops: llm -> machine_learning -> llm") in found


def test_a_mandatory_rule_states_its_requirement(raw):
    [(field, message)] = problems(raw, "rules.yaml", lambda d: rule(d, "license_wealth").pop("requirement"))
    assert field == "rules.yaml: rules[2] (id=license_wealth)"
    assert message == "missing key 'requirement': a mandatory rule states what it requires"


def test_a_remedy_does_what_its_field_takes(raw):
    found = problems(raw, "rules.yaml", lambda d: rule(d, "certification_missing")["remedy"].update(
        action="add", value="approved"))
    assert ("rules.yaml: rules[5] (id=certification_missing)",
            "remedy.action 'add' does not apply to compliance.certification (use set)") in found
    assert ("rules.yaml: rules[5] (id=certification_missing)",
            "remedy.value 'approved' cannot be set on compliance.certification") in found


# Keys of weights.yaml the scoring code does not need: evidence, benchmark cases, and one documented figure.
OPTIONAL_WEIGHTS = {"evidence", "benchmarks"}


def _key_paths(tree, path=()):
    for key, value in tree.items():
        yield path + (key,)
        if isinstance(value, dict):
            yield from _key_paths(value, path + (key,))


def test_every_weight_is_required(raw):
    """Every key the data holds is required (the code reads only keys the data holds, or tests fail):
    deleting any one of them stops start-up."""
    weights = raw["weights.yaml"]
    missed = []
    for path in _key_paths(weights):
        if path[-1] in OPTIONAL_WEIGHTS or path[0] == "domains" and len(path) == 2:
            continue
        data = copy.deepcopy(weights)
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        if not data_schemas.WEIGHTS.problems(data):
            missed.append(".".join(path))
    assert not missed, f"weights.yaml keys that may be deleted unnoticed: {missed}"


def test_a_callers_catalog_uses_the_product_schema_without_citations(raw):
    products = [{"id": "a", "name": "A", "domain": "Insurance", "scenarios": ["pets"]},
                {"id": "b", "domain": "insurtech", "sections": ["2.1.1"]},
                {"id": "c", "name": "C", "domain": "insurtech", "compliance": {"max_apr": "24%"}}]
    with pytest.raises(BenchmarkDataError) as caught:
        build_benchmarks(raw, (), custom=("catalog acme", products))
    assert [(e.field, e.message.split(",")[0]) for e in caught.value.errors] == [
        ("catalog acme: products[1] (id=b)", "unknown key 'sections': rejected"),
        ("catalog acme: products[2] (id=c)", "key 'compliance.max_apr' must be a number >= 0"),
    ]
    built = build_benchmarks(raw, (), custom=("catalog acme", products[:1]))
    assert built.products[0].profile.domain == "insurtech" and built.products[0].name_zh == "A"


# --- the compiled check says 'valid' exactly when marshmallow finds nothing --------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=True) | st.sampled_from(
        ["", " ", "lending", "2.3.1", "9", "blockchain", "{label}", "{x}", "none", "high"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["en", "zh", "section", "licenses", "colour"]), inner, max_size=3),
    max_leaves=6)


def _mutate(entry, draw_key, value, how):
    entry = copy.deepcopy(entry)
    target = entry
    keys = list(target)
    key = keys[draw_key % len(keys)]
    if how == "nested" and isinstance(target[key], dict) and target[key]:
        target = target[key]
        key = list(target)[draw_key % len(target)]
    if how == "delete":
        del target[key]
    elif how == "add":
        target["colour"] = value
    else:
        target[key] = value
    return entry


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), _JSON, st.sampled_from(["replace", "nested", "delete", "add"]), st.data())
def test_the_fast_check_agrees_with_marshmallow(report_data, key, value, how, data):
    raw = report_data[0]
    choices = [(data_schemas.REPORT_PRODUCT, p) for p in raw["catalog.yaml"]["products"][:5]]
    choices += [(check, raw[check.file]) for check in data_schemas.FILE_CHECKS.values()]
    choices += [(data_schemas.RULES.schema.fields["rules"].inner.schema, r) for r in raw["rules.yaml"]["rules"][:9]]
    check, entry = data.draw(st.sampled_from(choices))
    schema = check.schema if isinstance(check, data_schemas.Check) else check
    valid = check.valid if isinstance(check, data_schemas.Check) else data_schemas._compile(schema)
    mutated = _mutate(entry, key, value, how)
    assert valid(mutated) == (schema.validate(mutated) == {})
