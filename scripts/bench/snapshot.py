"""A snapshot of whole score reports, to prove a rewrite of the scoring core changes no answer.

`save` scores a fixed set of canonical profiles and writes each full report (every score, factor,
text, evidence, neighbour and recommendation with its effect, reason and text) as one JSON line;
`compare` scores the same canonical profiles again with the code checked out now and lists every
report that differs. The model version is left out (it changes with the code by design); floats are
compared exactly (JSON keeps a float's shortest exact repr, so equal text is an equal float).

The cases: 1,200 distinct realistic profiles (scripts/bench/profiles.py, all six domains, English,
Chinese and synonyms, a quarter of them in other jurisdictions, one in six without
recommendations), every profile of the blind and reading sets under tests/data (product pages,
report cases, market products and regulatory outcomes in three scripts), the request examples,
every report catalog product scored leave-one-out, and 250 realistic profiles against a synthetic
10,000-product catalog. A script, not a test: the baseline has to come from the code as it was
before the change, and the file it writes (~40 MB unpacked) is no fixture to check in. The
canonical profiles are stored with their reports, so a change in reading words cannot move the
comparison.

    .venv/bin/python -m scripts.bench.snapshot save build/snapshot-before.jsonl.gz
    .venv/bin/python -m scripts.bench.snapshot compare build/snapshot-before.jsonl.gz
"""

import argparse
import dataclasses
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np
import yaml

from scripts.bench.profiles import realistic_profiles
from scripts.bench.synthetic import synthetic_benchmarks
from service.api import examples
from service.benchmarks.loader import load_benchmarks
from service.benchmarks.market import build_slice
from service.profile import Compliance, ProductProfile
from service.scoring import score
from service.vocabulary import normalise_profile

ROOT = Path(__file__).resolve().parents[2]
DATA_SETS = sorted([*(ROOT / "tests/data/blind").glob("*.yaml"), *(ROOT / "tests/data/reading").glob("*.yaml")])
REALISTIC = 1200
SYNTHETIC_SIZE = 10_000
SYNTHETIC_PROFILES = 250
IGNORED = {"model_version"}


def plain(value):
    """A report as JSON-ready data: dataclasses by field (with their class), tuples as lists, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"~": type(value).__name__}
        out.update({f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if f.name not in IGNORED})
        return out
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def profile_from(data: dict) -> ProductProfile:
    """The canonical profile stored with a case, back as the dataclass."""
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k not in ("~", "compliance")}
    compliance = {k: tuple(v) if isinstance(v, list) else v for k, v in data["compliance"].items() if k != "~"}
    return ProductProfile(**fields, compliance=Compliance(**compliance))


def _raw_profiles(node):
    """Every typed profile in a data set: any mapping with a domain and a tech stack or scenarios."""
    if isinstance(node, dict):
        if "domain" in node and isinstance(node["domain"], str) and ({"tech_stack", "scenarios"} & set(node)):
            yield node
            return
        for value in node.values():
            yield from _raw_profiles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _raw_profiles(value)


def cases() -> list[dict]:
    """Each case: its key, the catalog, the canonical profile, left-out ids and whether it has advice."""
    benchmarks = load_benchmarks()
    vocabulary = benchmarks.vocabulary
    rng = random.Random(22)  # nosec B311 - sampling test data
    jurisdictions = [t.code for t in vocabulary.terms("jurisdiction")]
    found = []

    def add(key, profile, catalog="report", exclude=(), recommendations=True):
        found.append({"key": key, "catalog": catalog, "profile": plain(profile), "exclude": sorted(exclude),
                      "recommendations": recommendations})

    for i, raw in enumerate(realistic_profiles(REALISTIC)):
        profile = normalise_profile(raw, vocabulary)[0]
        if i % 4 == 1:
            profile = dataclasses.replace(profile, jurisdiction=tuple(rng.sample(jurisdictions, rng.randint(1, 2))))
        add(f"realistic-{i}", profile, recommendations=i % 6 != 5)
    unread = 0
    for path in DATA_SETS:
        for j, raw in enumerate(_raw_profiles(yaml.safe_load(path.read_text(encoding="utf-8")))):
            try:
                profile = normalise_profile(raw, vocabulary)[0]
            except Exception:  # noqa: BLE001 - a set may hold profiles the reader refuses; they score nothing
                unread += 1
                continue
            add(f"{path.stem}-{j}", profile)
    for name in ("NEV_INSURANCE_EN", "NEV_INSURANCE_ZH", "SOCIAL_CREDIT_EN"):
        add(f"example-{name}", normalise_profile(getattr(examples, name), vocabulary)[0])
    for product in benchmarks.products:
        if not product.archetype:
            add(f"left-out-{product.id}", product.profile, exclude={product.id})
    for i, raw in enumerate(realistic_profiles(SYNTHETIC_PROFILES, seed=11)):
        add(f"synthetic-{i}", normalise_profile(raw, vocabulary)[0], catalog=f"synthetic-{SYNTHETIC_SIZE}",
            recommendations=i % 5 != 4)
    print(f"{len(found)} cases ({unread} data-set profiles the reader refused)", file=sys.stderr)
    return found


def run(case_list: list[dict]):
    """Yields (case, report as JSON text) for every case, scored with the code checked out now."""
    catalogs = {"report": load_benchmarks()}
    for case in case_list:
        if case["catalog"] not in catalogs:
            catalogs[case["catalog"]] = synthetic_benchmarks(int(case["catalog"].split("-")[1]))
        benchmarks = catalogs[case["catalog"]]
        profile = profile_from(case["profile"])
        report = score(profile, benchmarks, build_slice(benchmarks, profile.domain), exclude=frozenset(case["exclude"]),
                       with_recommendations=case["recommendations"])
        yield case, json.dumps(plain(report), ensure_ascii=False, sort_keys=True)


def save(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for case, report in run(cases()):
            out.write(json.dumps({**case, "report": json.loads(report)}, ensure_ascii=False) + "\n")
            count += 1
    print(f"saved {count} reports to {path}")


def compare(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as saved:
        stored = [json.loads(line) for line in saved]
    expected = {case["key"]: json.dumps(case.pop("report"), ensure_ascii=False, sort_keys=True) for case in stored}
    differing = []
    recommendations = 0
    for case, report in run(stored):
        recommendations += report.count('"~": "Recommendation"')
        if report != expected[case["key"]]:
            differing.append(case["key"])
    print(f"{len(stored)} reports ({recommendations} recommendations) compared: {len(differing)} differ")
    for key in differing[:20]:
        print("  differs:", key)
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.action == "save":
        save(args.path)
    else:
        sys.exit(compare(args.path))


if __name__ == "__main__":
    main()
