"""POST /v1/scores: one product profile in, three explained scores out."""

from flask import g
from flask_smorest import Blueprint

from service.api.context import services
from service.api.examples import PROFILE_EXAMPLES
from service.api.schemas import ProfileInSchema, ScoreResponseSchema

blp = Blueprint("scores", __name__, url_prefix="/v1", description="Score product concepts.")


@blp.route("/scores", methods=["POST"])
@blp.arguments(ProfileInSchema, examples=PROFILE_EXAMPLES)
@blp.response(200, ScoreResponseSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
def post_score(profile):
    """Score one product profile.

    Returns differentiation, homogeneity risk and compliance risk (0-100), each with its band, base
    value and signed factors (base + contributions = score), the nearest benchmark products, and
    recommended edits with their measured effect. Unknown terms are rejected with the closest
    accepted terms; unknown fields are rejected, not ignored.
    """
    report, source = services().score(profile)
    return report_body(report, source)


def report_body(report, source: str) -> dict:
    """The response document for one report; `source` says where the market look-up came from."""
    return {
        "differentiation": report.differentiation,
        "homogeneity_risk": report.homogeneity_risk,
        "compliance_risk": report.compliance_risk,
        "coverage": report.coverage,
        "nearest_benchmarks": report.nearest_benchmarks,
        "recommendations": report.recommendations,
        "profile": report.profile,
        "meta": {
            "model_version": report.model_version,
            "benchmark_version": report.benchmark_version,
            "cache": {"hit": source != "computed", "source": source},
            "request_id": g.request_id,
        },
    }
