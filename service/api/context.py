"""Per-process services the views share: settings, benchmark data, cache and look-up."""

from dataclasses import dataclass

from flask import current_app

from service.benchmarks.lookup import MarketLookup
from service.benchmarks.models import Benchmarks
from service.cache import Cache
from service.scoring import ScoreReport, score
from service.settings import Settings
from service.vocabulary import normalise_profile


@dataclass(frozen=True)
class Services:
    """What the views need, created once per process (after gunicorn forks)."""

    settings: Settings
    benchmarks: Benchmarks
    cache: Cache
    lookup: MarketLookup

    def score(self, raw: dict) -> tuple[ScoreReport, str]:
        """Normalise a validated request body, fetch its market slice (cached) and score it."""
        profile = normalise_profile(raw, self.benchmarks.vocabulary)
        market, source = self.lookup.slice(profile.domain)
        return score(profile, self.benchmarks, market), source


def services() -> Services:
    return current_app.extensions["diffscore"]
