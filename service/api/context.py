"""Per-process services the views share: settings, benchmark data, cache and look-up."""

from dataclasses import dataclass

from flask import current_app

from service.benchmarks.lookup import MarketLookup
from service.benchmarks.models import Benchmarks
from service.cache import Cache
from service.scoring import ScoreReport, score
from service.settings import Settings
from service.profile import ProductProfile
from service.vocabulary import Match, TermFinder, normalise_profile


@dataclass(frozen=True)
class Services:
    """What the views need, created once per process (after gunicorn forks)."""

    settings: Settings
    benchmarks: Benchmarks
    cache: Cache
    lookup: MarketLookup
    finder: TermFinder

    def score(self, raw: dict) -> tuple[ScoreReport, str]:
        """Normalise a validated request body, fetch its market slice (cached) and score it."""
        return self.score_profile(normalise_profile(raw, self.benchmarks.vocabulary))

    def score_profile(self, profile: ProductProfile) -> tuple[ScoreReport, str]:
        market, source = self.lookup.slice(profile.domain)
        return score(profile, self.benchmarks, market), source

    def suggested_terms(self, profile: ProductProfile) -> list[Match]:
        """Terms the description mentions that the structured fields do not carry."""
        if not profile.description:
            return []
        return [m for m in self.finder.find(profile.description) if m.code not in profile.terms(m.kind)]


def services() -> Services:
    return current_app.extensions["diffscore"]
