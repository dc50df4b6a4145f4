"""In-process scoring speed: full ScoreReport (with recommendations) per second and p50/p99, on the
report catalog and on synthetic catalogs of 1k, 10k and 100k products.

    .venv/bin/python -m scripts.bench.inprocess [--sizes 0,1000,10000,100000] [--seconds 2]
"""

import argparse
import gc
import time

from scripts.bench.common import measure, report
from scripts.bench.synthetic import synthetic_benchmarks
from service.api.examples import NEV_INSURANCE_EN, SOCIAL_CREDIT_EN
from service.benchmarks.loader import load_benchmarks
from service.benchmarks.market import build_slice
from service.scoring import score
from service.vocabulary import normalise_profile


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


def measure_catalog(size: int, seconds: float) -> list[dict]:
    started = time.perf_counter()
    benchmarks = synthetic_benchmarks(size) if size else load_benchmarks()
    load_seconds = round(time.perf_counter() - started, 2)
    gc.collect()
    rows = []
    for label, example in (("vertical insurtech", NEV_INSURANCE_EN), ("look-alike credit", SOCIAL_CREDIT_EN)):
        profile = normalise_profile(example, benchmarks.vocabulary)
        market = build_slice(benchmarks, profile.domain)
        full = measure(lambda: score(profile, benchmarks, market), seconds)
        bare = measure(lambda: score(profile, benchmarks, market, with_recommendations=False), seconds)
        rows.append({"catalog": len(benchmarks.products), "profile": label, "load_s": load_seconds,
                     "reports_per_s": full["per_second"], "p50_ms": full["p50_ms"], "p99_ms": full["p99_ms"],
                     "no_recs_p50_ms": bare["p50_ms"]})
    return rows


if __name__ == "__main__":
    main()
