"""Synthetic benchmark catalogs for scale measurements only, never for validity.

Products sample the vocabulary with a realistic skew: 60% in payments, lending and wealth (report
1.1.3), and within each kind a Zipf-like popularity (a few terms are everywhere, most are rare), so
postings lists look like a real market's, not a uniform one."""

import copy
import random

import yaml

from service.benchmarks.loader import DATA_DIR, FILES, build_benchmarks

DOMAIN_SHARES = {"payments": 0.22, "lending": 0.22, "wealth_management": 0.16, "insurtech": 0.14,
                 "regtech": 0.12, "digital_banking": 0.14}
SIZES = {"tech_stack": ("technology", 3), "scenarios": ("scenario", 2), "target_segments": ("segment", 2),
         "business_model": ("business_model", 2), "partners": ("partner", 2)}


def report_data() -> dict:
    return {name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in FILES}


def synthetic_products(size: int, vocabulary_data: dict, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)  # nosec B311
    popularity = {}
    # Sorted: a set of strings iterates in a per-process order, which made every run a different catalog.
    for kind in sorted({k for k, _ in SIZES.values()} | {"license", "data_source", "privacy_control"}):
        codes = sorted(vocabulary_data[kind])
        rng.shuffle(codes)
        popularity[kind] = (codes, [1 / (rank + 1) ** 1.1 for rank in range(len(codes))])
    domains, shares = zip(*DOMAIN_SHARES.items())

    def sample(kind, most):
        codes, weights = popularity[kind]
        return sorted(set(rng.choices(codes, weights, k=rng.randint(0, most))))

    products = []
    for i in range(size):
        entry = {"id": f"synthetic-{i:06d}", "name": {"en": f"Synthetic {i}", "zh": f"合成产品{i}"},
                 "domain": rng.choices(domains, shares)[0], "sections": ["1.1.3"],
                 "outcomes": [{"section": "1.1.3", "en": "synthetic", "zh": "合成"}],
                 "compliance": {"licenses": sample("license", 1), "data_sources": sample("data_source", 2),
                                "privacy_controls": sample("privacy_control", 1)}}
        for field, (kind, most) in SIZES.items():
            entry[field] = sample(kind, most)
        products.append(entry)
    return products


def synthetic_benchmarks(size: int, seed: int = 42):
    """The report's data with `size` synthetic products added to its catalog."""
    raw = copy.deepcopy(report_data())
    raw["catalog.yaml"]["products"] += synthetic_products(size, raw["vocabulary.yaml"], seed)
    return build_benchmarks(raw)
