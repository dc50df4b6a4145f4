"""Leave-one-out verdict margins: how far the report's verdicts are from flipping.

Every catalog case is scored with itself left out of its own neighbours and statistics (as
tests/unit/test_scoring.py does). A margin is the gap between the worst case of one verdict and the
best case of the other; the checks hold while every margin is positive.

    .venv/bin/python -m scripts.bench.verdict_margins [--json]
"""

import argparse
import json

from service.benchmarks.loader import load_benchmarks
from service.scoring import score


def margins(benchmarks) -> list[dict]:
    scored = {p.id: (p.verdict, score(p.profile, benchmarks, exclude={p.id}, with_recommendations=False))
              for p in benchmarks.products}

    def extreme(verdicts, name, pick):
        rows = [(getattr(r, name).score, i) for i, (v, r) in scored.items() if v in verdicts]
        return pick(rows)

    others = {None, "differentiated", "homogeneous"}
    checks = (
        ("differentiation", "differentiated above homogeneous", {"differentiated"}, {"homogeneous"}),
        ("homogeneity_risk", "homogeneous above differentiated", {"homogeneous"}, {"differentiated"}),
        ("compliance_risk", "penalised above all others", {"penalised"}, others),
    )
    rows = []
    for name, claim, high, low in checks:
        floor, floor_id = extreme(high, name, min)
        ceiling, ceiling_id = extreme(low, name, max)
        rows.append({"score": name, "claim": claim, "margin": round(floor - ceiling, 2),
                     "lowest_of_upper": f"{floor_id} {floor}", "highest_of_lower": f"{ceiling_id} {ceiling}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    rows = margins(load_benchmarks())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        print(f"{row['score']:<17} {row['claim']:<34} margin {row['margin']:>6}   "
              f"lowest of upper: {row['lowest_of_upper']:<45} highest of lower: {row['highest_of_lower']}")


if __name__ == "__main__":
    main()
