"""Callers' competitor catalogs: list them, register one (admin when keys are configured)."""

import re

from service.api.security import requires
from service.api.conditional import conditional
from service.api.context import services
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems
from service.api.schemas import CatalogInSchema, CatalogListSchema, CatalogSchema
from service.errors import FieldError, InvalidInput

blp = ApiBlueprint("catalogs", __name__, url_prefix="/v1", description="Custom competitor catalogs.")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@blp.route("/catalogs", methods=["GET"])
@requires("read")
@blp.doc(operationId="listCatalogs")
@conditional(blp)
@blp.response(200, CatalogListSchema)
@problems(blp, *ACCESS_PROBLEMS)
def list_catalogs():
    """The benchmark data a request can select with ?catalog=: the report's and the callers'.

    Each catalog with its version (the benchmark_version of scores against it alone), its size and
    where it came from. A registration changes the list: revalidate with If-None-Match.
    """
    return {"catalogs": services().catalogs.catalogs()}


@blp.route("/catalogs/<string:name>", methods=["PUT"])
@requires("admin")
@blp.doc(operationId="putCatalog")
@blp.arguments(CatalogInSchema())
@blp.response(200, CatalogSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS)
def put_catalog(catalog, name):
    """Register (or replace) a catalog for every worker and instance.

    Every product is validated and every problem listed at once; nothing is stored unless all are
    valid. Score against it with ?catalog=NAME, or ?catalog=NAME+report for both.
    """
    if not _NAME.fullmatch(name):      # fullmatch: `$` would let "acme\n" through
        raise InvalidInput("Catalog names are 1-64 lowercase letters, digits, '-' or '_'.",
                           [FieldError("name", "invalid catalog name", name, "[a-z0-9][a-z0-9_-]{0,63}")])
    return services().catalogs.register(name, catalog["products"])
