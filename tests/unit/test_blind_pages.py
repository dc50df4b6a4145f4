"""Issue 20's blind set: 54 whole profiles of real products typed from their public pages (zh-Hans,
zh-Hant, en; tests/data/blind/product_pages.yaml), every typed value glossed by a helper who never saw
the vocabulary, the glosses mapped to acceptable codes afterwards (product_pages_codes.yaml, by
meaning: a gloss the vocabulary has no code for is 'missing', and any reading of it is wrong).

A value is read correctly when every code it was read as is acceptable (or, for a missing meaning,
when it is not recognised); wrongly when a code it was read as is not; otherwise not recognised.
The figures are printed beside issue 20's targets; the assertions hold those measured when this
test was written, so a change that loses ground fails."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from service.errors import UnknownTerms
from service.profile import FIELDS
from service.profile_rows import split_terms
from service.vocabulary import normalise_profile
from service.vocabulary.scalars import read_rate, read_rate_phrase

BLIND = Path(__file__).parents[1] / "data" / "blind"
TARGETS = {"correct": 0.95, "wrong": 0.005}
# Measured when written (every script together); see the printed breakdown.
FLOORS = {"correct": 0.53, "wrong": 0.10}
LIST_FIELDS = ("tech_stack", "scenarios", "target_segments", "business_model", "partners",
               "compliance.licenses", "compliance.data_sources", "compliance.privacy_controls")


def _get(tree, path):
    for part in path.split("."):
        tree = (tree or {}).get(part)
    return tree


def _items(value):
    return split_terms(value) if isinstance(value, str) else list(value or [])


@pytest.fixture(scope="module")
def figures(benchmarks):
    glosses = yaml.safe_load((BLIND / "product_pages_codes.yaml").read_text(encoding="utf-8"))["glosses"]
    counts, by_lang, misses, refused, rates_refused = Counter(), {}, [], [], []
    for entry in yaml.safe_load((BLIND / "product_pages.yaml").read_text(encoding="utf-8")):
        try:
            _, readings = normalise_profile(_as_sent(entry["profile"], rates_refused, entry["id"]),
                                            benchmarks.vocabulary)
        except UnknownTerms:
            refused.append(entry["id"])
            continue
        read: dict[str, set] = {}
        for r in readings:
            if r.code is not None and r.how not in ("not_recognised", "negated") and r.placed_in in FIELDS:
                read.setdefault(r.field, set()).add((FIELDS[r.placed_in].fact, r.code))
        for path in LIST_FIELDS:
            typed, meant = _items(_get(entry["profile"], path)), _get(entry["meaning"], path) or []
            if len(typed) != len(meant):
                continue      # the list was split otherwise than glossed: not counted
            for i, gloss in enumerate(meant):
                if gloss is None:
                    continue
                codes, mapping = read.get(f"{path}[{i}]", set()), glosses[gloss]
                accept = {(kind, c) for kind, cs in (mapping.get("accept") or {}).items() for c in cs}
                if not codes:
                    verdict = "correct" if mapping.get("missing") else "unknown"
                else:
                    verdict = "correct" if codes <= accept else "wrong"
                counts[verdict] += 1
                by_lang.setdefault(entry["lang"], Counter())[verdict] += 1
                if verdict == "wrong":
                    misses.append(f"{entry['id']} {path}[{i}] {typed[i]!r} -> {sorted(codes)} (meant {gloss!r})")
    return counts, by_lang, misses, refused, rates_refused


def _as_sent(profile: dict, rates_unread: list, ident: str) -> dict:
    """The profile as the API's schema hands it on (list strings split); a rate the reader could not
    read even as a phrase is listed (it is scored as no rate, and said so)."""
    sent = {k: _items(v) if k in LIST_FIELDS else v for k, v in profile.items()}
    compliance = dict(profile.get("compliance") or {})
    for name in ("licenses", "data_sources", "privacy_controls"):
        if name in compliance:
            compliance[name] = _items(compliance[name])
    rate = compliance.get("max_apr")
    if isinstance(rate, str):
        try:
            read_rate(rate)
        except ValueError:
            if read_rate_phrase(rate)[1] == "not_recognised":
                rates_unread.append(f"{ident}: {rate!r}")
    sent["compliance"] = compliance
    return sent


def test_the_blind_product_pages_are_read_as_meant(figures):
    counts, by_lang, misses, refused, rates_refused = figures
    total = sum(counts.values())
    rates = {k: counts[k] / total for k in ("correct", "wrong", "unknown")}
    print(f"\nproduct pages: {total} values; correct {rates['correct']:.1%} (target {TARGETS['correct']:.0%}), "
          f"wrong {rates['wrong']:.1%} (target {TARGETS['wrong']:.1%}), not recognised {rates['unknown']:.1%}; "
          f"refused profiles {len(refused)}")
    for lang, c in sorted(by_lang.items()):
        n = sum(c.values())
        print(f"  {lang}: correct {c['correct'] / n:.1%}, wrong {c['wrong'] / n:.1%}, not recognised {c['unknown'] / n:.1%}")
    for miss in misses[:40]:
        print("  wrong", miss)
    print(f"  rates not read even as a phrase (scored as none, said so): {rates_refused}")
    assert total >= 1000 and not refused
    assert rates["correct"] >= FLOORS["correct"] and rates["wrong"] <= FLOORS["wrong"]
