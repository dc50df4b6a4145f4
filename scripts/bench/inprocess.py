"""In-process scoring speed: full ScoreReport (with recommendations) per second and p50/p99, on the
report catalog and on synthetic catalogs of 1k, 10k and 100k products; for the two examples and for
500 distinct realistic profiles (scripts/bench/profiles.py), each scored in turn.

    .venv/bin/python -m scripts.bench.inprocess [--sizes 0,1000,10000,100000] [--seconds 2]
"""

import argparse
import gc
import time
from itertools import cycle

from scripts.bench.common import measure, report
from scripts.bench.profiles import realistic_profiles
from scripts.bench.synthetic import synthetic_benchmarks
from service.api.examples import NEV_INSURANCE_EN, SOCIAL_CREDIT_EN
from service.benchmarks.loader import load_benchmarks
from service.benchmarks.market import build_slice
from service.scoring import score
from service.vocabulary import normalise_profile
from service.vocabulary.terms import loose, normalise

DISTINCT = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows += measure_catalog(size, args.seconds)
        gc.collect()
    report("in-process full ScoreReport (with recommendations)", rows)
    report("reading a typed profile (normalise_profile)", [measure_reading(args.seconds)])


def measure_catalog(size: int, seconds: float) -> list[dict]:
    started = time.perf_counter()
    benchmarks = synthetic_benchmarks(size) if size else load_benchmarks()
    load_seconds = round(time.perf_counter() - started, 2)
    gc.collect()
    rows = []
    distinct = [normalise_profile(p, benchmarks.vocabulary)[0] for p in realistic_profiles(DISTINCT)]
    markets = {d: build_slice(benchmarks, d) for d in {p.domain for p in distinct}}
    for label, profiles in (("vertical insurtech", [normalise_profile(NEV_INSURANCE_EN, benchmarks.vocabulary)[0]]),
                            ("look-alike credit", [normalise_profile(SOCIAL_CREDIT_EN, benchmarks.vocabulary)[0]]),
                            (f"{DISTINCT} distinct realistic", distinct)):
        markets.update({p.domain: build_slice(benchmarks, p.domain) for p in profiles if p.domain not in markets})
        full = measure(_cycling(profiles, lambda p: score(p, benchmarks, markets[p.domain])), seconds)
        bare = measure(_cycling(profiles, lambda p: score(p, benchmarks, markets[p.domain],
                                                          with_recommendations=False)), seconds)
        rows.append({"catalog": len(benchmarks.products), "profile": label, "load_s": load_seconds,
                     "reports_per_s": full["per_second"], "p50_ms": full["p50_ms"], "p99_ms": full["p99_ms"],
                     "no_recs_p50_ms": bare["p50_ms"]})
    return rows


def _cycling(profiles, function):
    """A call that scores the next profile of the list each time (the realistic ones are each new)."""
    turn = cycle(profiles)
    return lambda: function(next(turn))


def measure_reading(seconds: float) -> dict:
    """A profile typed the way people type: read with warm look-up caches (a repeat), with every cache
    cleared first (a first read), and with one term that matches nothing (fuzzy suggestions)."""
    vocabulary = load_benchmarks().vocabulary
    typed = {"name": "x", "domain": "保險科技", "tech_stack": ["物聯網", "AI pricing", "blockchain technology"],
             "scenarios": ["NEV charging", "pet insurence"], "target_segments": ["EV drivers"],
             "partners": ["charging operators"], "compliance": {"data_sources": ["telematics"], "max_apr": "24%",
                                                               "privacy_controls": ["user consent"]}}
    counter = iter(range(10**9))

    def first_read():
        for cached in (normalise, loose, vocabulary.read):
            cached.cache_clear()
        normalise_profile(typed, vocabulary)

    def unknown_term():
        fresh = {**typed, "tech_stack": [*typed["tech_stack"], f"gizmo {next(counter)}"]}
        normalise_profile(fresh, vocabulary)

    repeat = measure(lambda: normalise_profile(typed, vocabulary), seconds)
    first = measure(first_read, seconds)
    unknown = measure(unknown_term, seconds)
    return {"profile": "11 typed values, mixed scripts", "p50_ms_repeat": repeat["p50_ms"],
            "p50_ms_first_read": first["p50_ms"], "p50_ms_with_an_unknown_term": unknown["p50_ms"]}


if __name__ == "__main__":
    main()
