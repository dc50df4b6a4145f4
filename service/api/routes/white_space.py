"""POST /v1/white-space: the open ground of a product's market, cell by cell."""

from flask import g
from marshmallow import RAISE

from service.api.context import services
from service.api.examples import PROFILE_EXAMPLES
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems, strict_handling
from service.api.schemas import CatalogQuerySchema, ProfileInSchema, WhiteSpaceOutSchema
from service.api.security import requires, tenant
from service.scoring import MODEL_VERSION
from service.scoring.white_space import white_space
from service.vocabulary import normalise_profile

blp = ApiBlueprint("white_space", __name__, url_prefix="/v1", description="Open ground in a product's market.")


@blp.route("/white-space", methods=["POST"])
@requires("score")
@blp.doc(operationId="scoreWhiteSpace")
@blp.arguments(ProfileInSchema(), examples=PROFILE_EXAMPLES)
@blp.arguments(CatalogQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, WhiteSpaceOutSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def post_white_space(profile, query):
    """The white space of a product's market.

    The technology x scenario x segment cells of the product's domain whose terms fit together
    (report 1.2.1) and that no benchmark product occupies, closest to the product's core first, each
    with its own fit, its fit with the product and the nearest occupied cell with the products
    holding it. A cell the product already holds, and the specialisations of an occupied cell, are
    not white space.
    """
    context = services()
    profile, _ = normalise_profile(profile, context.benchmarks.vocabulary, strict_handling(query))
    benchmarks = context.catalogs.select(query["catalog"], tenant())
    note = benchmarks.fit.scoring["white_space"]
    term = lambda kind, code: {"code": code, "label_en": benchmarks.vocabulary.term(kind, code).en,  # noqa: E731
                               "label_zh": benchmarks.vocabulary.term(kind, code).zh}

    def place(cell) -> dict:
        return {"technology": term("technology", cell.technology), "scenario": term("scenario", cell.scenario),
                "segment": term("segment", cell.segment)}

    cells = [{**place(c), "fit": c.fit, "product_fit": c.product_fit,
              "nearest": c.nearest and {**place(c.nearest), "shared": c.nearest.shared,
                                        "benchmarks": c.nearest.benchmarks}}
             for c in white_space(profile, benchmarks)]
    return {"domain": profile.domain, "cells": cells,
            "note": {"en": note["en"], "zh": note["zh"], "section": note["section"]}, "profile": profile,
            "meta": {"model_version": MODEL_VERSION, "benchmark_version": benchmarks.version,
                     "cache": {"hit": False, "source": "computed"}, "request_id": g.request_id}}
