"""Issue 20's labelled reading set (tests/data/reading/products.yaml): real products' service lists
in English, Simplified and Traditional Chinese, each value labelled with its meaning. Every value is
read as a whole profile is read (lenient handling) and counted as read correctly, read wrongly (a
code outside its meaning) or not recognised; and each product must read to the same codes in all
three scripts. Run with -s to see the figures and the values behind them."""

from pathlib import Path

import pytest
import yaml

from service.errors import UnknownTerms
from service.profile import TERM_FIELDS
from service.vocabulary import normalise_profile

SETS = Path(__file__).parents[1] / "data" / "reading"
PRODUCTS = yaml.safe_load((SETS / "products.yaml").read_text(encoding="utf-8"))["products"]
# Written after the vocabulary was grown and never used to grow it: an estimate on unseen service lists.
FRESH = yaml.safe_load((SETS / "fresh.yaml").read_text(encoding="utf-8"))["products"]
# Its figures: before issue 20, 143/171 = 83.6% correct, 7 = 4.1% wrong, 21 = 12.3% not recognised; when
# first measured after, 142 = 83.0%, 4 = 2.3% wrong (3 of them Amazon sellers as cross-border traders, a
# reading the label did not foresee), 25 = 14.6%; then one reading rule its misses prompted (a generic
# head, 'people with no credit history') and no vocabulary: 143 = 83.6%, 4 = 2.3%, 24 = 14.0%.
FRESH_CORRECT_MIN, FRESH_WRONG_MAX = 0.83, 0.025
SCRIPTS = ("en", "zh-Hans", "zh-Hant")
# The list fields a labelled value may name, by their name in a profile's compliance part or top level.
COMPLIANCE = tuple(f.name for f in TERM_FIELDS if f.in_compliance)

# Issue 20, "Done when" (the wrong-reading rate), and the figures measured when the set was grown.
# Before issue 20's changes: 402/534 = 75.3% correct, 28 = 5.2% wrong, 104 = 19.5% not recognised, 4 of
# 54 profiles refused (the domain), 15 of 18 products read differently by script. The vocabulary was
# then grown partly from this set's misses, so it is a regression guard, not a blind estimate.
CORRECT_MIN = 0.95
WRONG_MAX = 0.005


def _meaning(label) -> set:
    return set() if label is None else set(label if isinstance(label, list) else [label])


def _profile(product: str, script: int, products: dict | None = None) -> tuple[dict, list]:
    """The product as typed in one script, and per value (field, position, meaning, text)."""
    raw: dict = {"name": f"{product} ({SCRIPTS[script]})", "compliance": {}}
    labels = []
    for field, label, *texts in (products or PRODUCTS)[product]:
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


def _read(vocabulary, product: str, script: int, products: dict | None = None):
    """Per labelled value: (where, meaning, text, codes read, placed in); and the profile's codes."""
    raw, labels = _profile(product, script, products)
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


def measure(vocabulary, products: dict | None = None) -> dict:
    """Counts of read correctly, read wrongly and not recognised, in all and by script."""
    counts = {s: {"correct": 0, "wrong": 0, "unknown": 0} for s in (*SCRIPTS, "all")}
    misses, refused = [], []
    for product in products or PRODUCTS:
        for script, name in enumerate(SCRIPTS):
            values, profile = _read(vocabulary, product, script, products)
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


def test_at_least_ten_products_read_the_same_in_the_three_scripts_with_no_exception():
    assert len(set(PRODUCTS) - set(KNOWN_DIFFERENCES)) >= 10


def _print(title: str, result: dict) -> None:
    print(f"\n{title}")
    for script, counts in result["counts"].items():
        print(f"{script}: {_figures(counts)}")
    print(f"refused: {len(result['refused'])} {result['refused']}")
    for miss in result["misses"]:
        print(f"  - {miss}")


def test_the_fresh_set_estimates_reading_on_unseen_service_lists(benchmarks):
    result = measure(benchmarks.vocabulary, FRESH)
    _print("fresh set (never used to grow the vocabulary)", result)
    counts = result["counts"]["all"]
    total = sum(counts.values())
    assert not result["refused"]
    assert counts["correct"] / total >= FRESH_CORRECT_MIN and counts["wrong"] / total <= FRESH_WRONG_MAX


def test_the_labelled_set_reads_correctly_and_never_wrongly(benchmarks):
    result = measure(benchmarks.vocabulary)
    _print("labelled set", result)
    counts = result["counts"]["all"]
    total = sum(counts.values())
    assert total >= 150
    assert not result["refused"]
    assert counts["wrong"] / total <= WRONG_MAX, [m for m in result["misses"] if m.startswith("wrong")]
    assert counts["correct"] / total >= CORRECT_MIN


# Where the three scripts still differ, each difference named with why (nothing else may differ).
KNOWN_DIFFERENCES = {
    "brokerage": {("scenarios", "treasury_management"),       # 現金管理 is also corporate cash management
                  ("scenarios", "money_market_funds")},
    "car_owner_app": {("scenarios", "online_payment"),        # '... lookup and payment': the bare part
                      ("scenarios", "policy_servicing")},     # 'quotes and renewals' split in English only
    "merchant_pos": {("target_segments", "sme")},             # 'small businesses' is SMEs in English usage
    "mobile_money": {("scenarios", "merchant_acquiring")},    # 'lipa na M-Pesa merchant payments': half a brand
}


@pytest.mark.parametrize("product", sorted(PRODUCTS))
def test_a_product_reads_to_the_same_codes_in_the_three_scripts(benchmarks, product):
    profiles = [_read(benchmarks.vocabulary, product, script)[1] for script in range(3)]
    assert None not in profiles, "refused in lenient handling"
    codes = [_profile_codes(p) - KNOWN_DIFFERENCES.get(product, set()) for p in profiles]
    assert codes[0] == codes[1] == codes[2], {
        SCRIPTS[i]: sorted(codes[i] - codes[0] if i else codes[0] - codes[1] - codes[2]) for i in range(3)}
