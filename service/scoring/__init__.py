"""The pure scoring core: no Flask, no Redis, no I/O; the same input always gives the same output."""

from service.scoring.report import MODEL_VERSION, ScoreReport, score

__all__ = ["MODEL_VERSION", "ScoreReport", "score"]
