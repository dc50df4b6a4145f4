"""The development set of whole product profiles (tests/data/reading/pages_dev.yaml): real products
as a planner types them, every field a profile has (licences, regulators, controls...), each in English,
Simplified and Traditional Chinese, each value glossed with its meaning and the glosses mapped to codes
after the set was written. Read as a whole profile is read (lenient handling) and counted as
tests/unit/test_reading_set.py counts; run with -s to see the figures and the values behind them."""

from pathlib import Path

import yaml

from tests.unit.test_reading_set import _figures, _print, _profile_codes, _read, measure

_SET = yaml.safe_load((Path(__file__).parents[1] / "data" / "reading" / "pages_dev.yaml").read_text(encoding="utf-8"))
# [field, gloss, en, zh-Hans, zh-Hant] -> [field, meaning, en, zh-Hans, zh-Hant], the form measure reads.
PAGES = {product: [[field, _SET["meanings"][gloss], *texts] for field, gloss, *texts in values]
         for product, values in _SET["products"].items()}
# When the set was written (before this vocabulary work): 972 values in 60 profiles, 70.2% read correctly,
# 4.1% wrongly, 25.7% not recognised, 0 refused. After it: 97.8%, 0.8% wrongly, 1.3% not recognised. The
# vocabulary was grown partly from this set's misses, so the floors guard against regressions only.
CORRECT_MIN, WRONG_MAX = 0.97, 0.01
# Products whose three scripts read to the same codes: 11 of 20 when measured (the others are listed by
# the test); at least ten, as issue 20 asks.
SAME_IN_THREE_SCRIPTS_MIN = 11


def test_the_set_has_whole_profiles_in_three_scripts():
    assert len(PAGES) * 3 >= 30 and len(PAGES) >= SAME_IN_THREE_SCRIPTS_MIN >= 10
    fields = {field for values in PAGES.values() for field, *_ in values}
    assert {"licenses", "privacy_controls", "jurisdiction", "data_sources"} <= fields


def test_whole_product_profiles_read_correctly_and_never_wrongly(benchmarks):
    result = measure(benchmarks.vocabulary, PAGES)
    _print("product pages development set", result)
    counts = result["counts"]["all"]
    total = sum(counts.values())
    print(f"all: {_figures(counts)}")
    assert not result["refused"]
    assert counts["wrong"] / total <= WRONG_MAX, [m for m in result["misses"] if m.startswith("wrong")]
    assert counts["correct"] / total >= CORRECT_MIN


def test_whole_profiles_read_to_the_same_codes_in_the_three_scripts(benchmarks):
    same, differ = 0, {}
    for product in sorted(PAGES):
        profiles = [_read(benchmarks.vocabulary, product, script, PAGES)[1] for script in range(3)]
        assert None not in profiles, f"{product}: refused in lenient handling"
        codes = [_profile_codes(p) for p in profiles]
        if codes[0] == codes[1] == codes[2]:
            same += 1
        else:
            differ[product] = {"en": sorted(codes[0] - codes[1] - codes[2]), "zh-Hans": sorted(codes[1] - codes[0]),
                               "zh-Hant": sorted(codes[2] - codes[0])}
    print(f"\nsame codes in the three scripts: {same}/{len(PAGES)}")
    for product, diff in differ.items():
        print(f"  - {product}: {diff}")
    assert same >= SAME_IN_THREE_SCRIPTS_MIN
