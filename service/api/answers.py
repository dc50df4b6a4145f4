"""The score answer: built once from the report as plain dicts (the response schema compiled, see
dumping.py), kept in the answer cache, and trimmed to the sections a caller asks for.

Sections (`?fields=`): what a caller can ask for alone; `meta` always comes. Asking for fewer saves
work: without `recommendations` no candidate edit is measured."""

import hashlib

from service.api.dumping import dumper
from service.api.schemas import SECTIONS, InterpretationSchema, ScoreResponseSchema
from service.vocabulary import lowered_coverage

# Sections that depend on what was typed (not only on the canonical profile): never cached.
_PER_REQUEST = ("interpretation",)


def answer_key(prefix: str, benchmark_version: str, model_version: str, profile, sections) -> str:
    """The answer cache key: the canonical profile, the data and model versions, the cached sections
    asked (one asking for the interpretation too shares the entry). A new data release or model
    changes the key, so an old answer is never served."""
    cached = sorted(name for name in sections if name not in _PER_REQUEST)
    digest = hashlib.sha256(repr((profile, cached)).encode()).hexdigest()[:32]
    return f"{prefix}:{benchmark_version}:{model_version}:answer:{digest}"


def build_answer(report, suggested, sections) -> dict:
    """The cacheable part of an answer: every asked section but those that depend on the request."""
    document = {
        "differentiation": report.differentiation, "homogeneity_risk": report.homogeneity_risk,
        "compliance_risk": report.compliance_risk, "coverage": report.coverage,
        "nearest_benchmarks": report.nearest_benchmarks, "recommendations": report.recommendations,
        "exhausted": report.exhausted, "interactions": report.interactions, "profile": report.profile,
        "suggested_terms": suggested,
    }
    keep = {key for name in sections if name not in _PER_REQUEST for key in SECTIONS[name]}
    return dumper(ScoreResponseSchema)({k: v for k, v in document.items() if k in keep})


def finish_answer(cached: dict, readings, sections, meta: dict) -> dict:
    """The cached part with what belongs to this request: the interpretation of what was typed, the
    coverage lowered by the terms not understood, and meta."""
    body = dict(cached)
    if "interpretation" in sections:
        interpreted = dumper(InterpretationSchema)
        body["interpretation"] = [interpreted(r) for r in readings]
    if "coverage" in body:
        body["coverage"] = lowered_coverage(body["coverage"], readings)
    body["meta"] = meta
    return body
