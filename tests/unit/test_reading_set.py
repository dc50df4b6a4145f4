"""Issue 20's labelled reading set (tests/data/reading/products.yaml): real products' service lists
in English, Simplified and Traditional Chinese, each value labelled with its meaning. Every value is
read as a whole profile is read (lenient handling) and counted as read correctly, read wrongly (a
code outside its meaning) or not recognised; and each product must read to the same codes in all
three scripts. Run with -s to see the figures and the values behind them."""

from pathlib import Path

import pytest
import yaml

from service.errors import UnknownTerms
from service.vocabulary import normalise_profile

SET = Path(__file__).parents[1] / "data" / "reading" / "products.yaml"
PRODUCTS = yaml.safe_load(SET.read_text(encoding="utf-8"))["products"]
SCRIPTS = ("en", "zh-Hans", "zh-Hant")
COMPLIANCE = ("data_sources",)

# Issue 20, "Done when" (the wrong-reading rate), and the figures measured when the set was grown.
CORRECT_MIN = 0.75     # measured before issue 20: 402/534 = 75.3%
WRONG_MAX = 0.053      # measured before issue 20: 28/534 = 5.2%


def _meaning(label) -> set:
    return set() if label is None else set(label if isinstance(label, list) else [label])


def _profile(product: str, script: int) -> tuple[dict, list]:
    """The product as typed in one script, and per value (field, position, meaning, text)."""
    raw: dict = {"name": f"{product} ({SCRIPTS[script]})", "compliance": {}}
    labels = []
    for field, label, *texts in PRODUCTS[product]:
        text = texts[script]
        if field == "domain":
            raw["domain"] = text
            labels.append(("domain", _meaning(label), text))
            continue
        target = raw["compliance"] if field in COMPLIANCE else raw
        target.setdefault(field, []).append(text)
        path = f"compliance.{field}" if field in COMPLIANCE else field
        labels.append((f"{path}[{len(target[field]) - 1}]", _meaning(label), text))
    return raw, labels


def _read(vocabulary, product: str, script: int):
    """Per labelled value: (where, meaning, text, codes read, placed in); and the profile's codes."""
    raw, labels = _profile(product, script)
    try:
        profile, readings = normalise_profile(raw, vocabulary)
    except UnknownTerms:        # refused: counted as not recognised, and as a refusal
        return [(where, meaning, text, None) for where, meaning, text in labels], None
    by_field: dict[str, list] = {}
    for r in readings:
        if r.code is not None and r.how != "not_recognised":
            by_field.setdefault(r.field, []).append(r.code)
    return [(where, meaning, text, by_field.get(where, [])) for where, meaning, text in labels], profile


def _profile_codes(profile) -> set:
    codes = {("domain", profile.domain)}
    for field in ("tech_stack", "scenarios", "target_segments", "business_model", "partners"):
        codes |= {(field, c) for c in getattr(profile, field)}
    codes |= {("data_sources", c) for c in profile.compliance.data_sources}
    return codes


def measure(vocabulary) -> dict:
    """Counts of read correctly, read wrongly and not recognised, in all and by script."""
    counts = {s: {"correct": 0, "wrong": 0, "unknown": 0} for s in (*SCRIPTS, "all")}
    misses, refused = [], []
    for product in PRODUCTS:
        for script, name in enumerate(SCRIPTS):
            values, profile = _read(vocabulary, product, script)
            if profile is None:
                refused.append(f"{product}/{name}")
            for where, meaning, text, codes in values:
                codes = codes or []
                if not codes:
                    outcome = "unknown" if meaning else "correct"
                elif set(codes) <= meaning:
                    outcome = "correct"
                else:
                    outcome = "wrong"
                for key in (name, "all"):
                    counts[key][outcome] += 1
                if outcome != "correct" or (not meaning and codes):
                    misses.append(f"{outcome:7} {product}/{name} {where} {text!r} -> {codes} "
                                  f"(meaning {sorted(meaning) or 'none'})")
    return {"counts": counts, "misses": misses, "refused": refused}


def _figures(counts: dict) -> str:
    total = sum(counts.values())
    return ", ".join(f"{k} {v}/{total} = {v / total:.1%}" for k, v in counts.items())


def test_the_labelled_set_reads_correctly_and_never_wrongly(benchmarks):
    result = measure(benchmarks.vocabulary)
    for script, counts in result["counts"].items():
        print(f"\n{script}: {_figures(counts)}")
    print(f"refused: {len(result['refused'])} {result['refused']}")
    for miss in result["misses"]:
        print(f"  - {miss}")
    counts = result["counts"]["all"]
    total = sum(counts.values())
    assert total >= 150
    assert len(result["refused"]) <= 4   # measured before issue 20
    assert counts["wrong"] / total <= WRONG_MAX, [m for m in result["misses"] if m.startswith("wrong")]
    assert counts["correct"] / total >= CORRECT_MIN


@pytest.mark.xfail(reason="before issue 20: 15 of 18 products read differently by script", strict=False)
@pytest.mark.parametrize("product", sorted(PRODUCTS))
def test_a_product_reads_to_the_same_codes_in_the_three_scripts(benchmarks, product):
    profiles = [_read(benchmarks.vocabulary, product, script)[1] for script in range(3)]
    assert None not in profiles, "refused in lenient handling"
    codes = [_profile_codes(p) for p in profiles]
    assert codes[0] == codes[1] == codes[2], {
        SCRIPTS[i]: sorted(codes[i] - codes[0] if i else codes[0] - codes[1] - codes[2]) for i in range(3)}
