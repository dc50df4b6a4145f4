"""Realistic, distinct product profiles for load runs, generated from the vocabulary: a domain, then
services of that domain and technologies, segments, partners, revenue models and compliance items,
each written the way people write them (a label, a synonym, English or Chinese), so the benchmark
pays for reading words, not only codes. Seeded: the same call gives the same profiles."""

import random

from service.benchmarks.loader import load_benchmarks

COUNTS = {"tech_stack": ("technology", 1, 3), "target_segments": ("segment", 1, 2),
          "business_model": ("business_model", 0, 2), "partners": ("partner", 0, 2)}
COMPLIANCE = {"licenses": ("license", 0, 2), "data_sources": ("data_source", 1, 3),
              "privacy_controls": ("privacy_control", 0, 3)}


def typed(term, rng: random.Random) -> str:
    """One way a person writes a term: its English or Chinese label, or a synonym."""
    return rng.choice((term.en, term.zh, *term.synonyms))


def realistic_profiles(count: int, seed: int = 7) -> list[dict]:
    vocabulary = load_benchmarks().vocabulary
    rng = random.Random(seed)  # nosec B311 - sampling test data, not security
    terms = {kind: vocabulary.terms(kind) for kind in vocabulary.kinds}
    profiles, seen = [], set()
    while len(profiles) < count:
        domain = rng.choice(terms["domain"])
        services = [t for t in terms["scenario"] if domain.code in t.domains] or list(terms["scenario"])
        profile = {"name": f"concept {len(profiles)}", "domain": typed(domain, rng),
                   "scenarios": [typed(t, rng) for t in rng.sample(services, rng.randint(1, 2))]}
        for field, (kind, low, high) in COUNTS.items():
            profile[field] = [typed(t, rng) for t in rng.sample(terms[kind], rng.randint(low, high))]
        profile["compliance"] = {field: [typed(t, rng) for t in rng.sample(terms[kind], rng.randint(low, high))]
                                 for field, (kind, low, high) in COMPLIANCE.items()}
        profile["compliance"]["certification"] = rng.choice(("none", "in_progress", "certified"))
        if domain.code == "lending":
            profile["compliance"]["max_apr"] = rng.choice((0.12, 0.18, 0.24, 0.36, "24%", "150%"))
        key = repr({k: v for k, v in profile.items() if k != "name"})
        if key not in seen:
            seen.add(key)
            profiles.append(profile)
    return profiles
