"""Per-process services the views share: settings, benchmark data, cache and look-up."""

from dataclasses import dataclass, replace

from flask import current_app

from service.benchmarks.catalogs import CatalogRegistry
from service.benchmarks.lookup import MarketLookup
from service.benchmarks.models import Benchmarks
from service.cache import LookupCache
from service.api.answers import answer_key, build_answer, finish_answer
from service.api.replay import Replay
from service.api.security import tenant
from service.scoring import MODEL_VERSION, ScoreReport, score
from service.errors import ServiceError
from service.settings import Settings
from service.profile import ProductProfile
from service.vocabulary import Interpreted, Match, TermFinder, lowered_coverage, normalise_profile


@dataclass(frozen=True)
class Services:
    """What the views need, created once per process (after gunicorn forks)."""

    settings: Settings
    benchmarks: Benchmarks
    cache: LookupCache          # market slices
    answers: LookupCache        # score answers
    catalogs: CatalogRegistry
    finder: TermFinder
    replay: Replay              # encoded answers to bodies seen before

    def score(self, raw: dict, catalog: str | None = None, strict: bool = False
              ) -> tuple[ScoreReport, str, tuple[Interpreted, ...]]:
        """Read a validated request body, fetch its market slice (cached) and score it against the
        report's benchmark data or the named catalog; terms not understood lower the coverage."""
        profile, readings = normalise_profile(raw, self.benchmarks.vocabulary, strict)
        report, source = self.score_profile(profile, catalog)
        return replace(report, coverage=lowered_coverage(report.coverage, readings)), source, readings

    def answer(self, raw: dict, catalog: str | None, strict: bool, sections, request_id: str) -> tuple[dict, str]:
        """The answer document for a validated request body and where it came from: the answer cache
        (in-process, then Redis) keyed by the canonical profile and the data and model versions, or
        computed. Only what depends on the request itself is added afterwards."""
        profile, readings = normalise_profile(raw, self.benchmarks.vocabulary, strict)
        benchmarks = self.catalogs.select(catalog, tenant())
        key = answer_key(self.settings.redis_key_prefix, benchmarks.version, MODEL_VERSION, profile, sections)

        def compute() -> dict:
            market, _ = self.lookup(benchmarks).slice(profile.domain)
            report = score(profile, benchmarks, market, with_recommendations="recommendations" in sections)
            suggested = self.suggested_terms(profile) if "suggested_terms" in sections else []
            return build_answer(report, suggested, sections)

        cached, source = self.answers.get_or_compute(key, compute)
        meta = {"model_version": MODEL_VERSION, "benchmark_version": benchmarks.version,
                "cache": {"hit": source != "computed", "source": source}, "request_id": request_id}
        return finish_answer(cached, readings, sections, meta), source

    def catalog_version(self, selection: str | None) -> str | None:
        """The version of the catalog a request selects; None when it selects none that exists."""
        try:
            return self.catalogs.select(selection, tenant()).version
        except ServiceError:
            return None

    def score_profile(self, profile: ProductProfile, catalog: str | None = None) -> tuple[ScoreReport, str]:
        benchmarks = self.catalogs.select(catalog, tenant())
        market, source = self.lookup(benchmarks).slice(profile.domain)
        return score(profile, benchmarks, market), source

    def lookup(self, benchmarks: Benchmarks) -> MarketLookup:
        return MarketLookup(benchmarks, self.cache, self.settings.redis_key_prefix)

    def suggested_terms(self, profile: ProductProfile) -> list[Match]:
        """Terms the description mentions that the structured fields do not carry."""
        if not profile.description:
            return []
        return [m for m in self.finder.find(profile.description)
                if not m.negated and m.code not in profile.terms(m.kind)]


def services() -> Services:
    return current_app.extensions["diffscore"]
