"""Callers' competitor catalogs: list them, register one (admin when keys are configured)."""

import re

from flask import g, request
from werkzeug.routing import BaseConverter

from service.api.security import requires, tenant
from service.api.conditional import conditional
from service.api.context import services
from service.api.routes import ACCESS_PROBLEMS, BODY_PROBLEMS, ApiBlueprint, problems
from service.api.schemas import CatalogInSchema, CatalogListSchema, CatalogSchema
from service.errors import FieldError, InvalidInput

blp = ApiBlueprint("catalogs", __name__, url_prefix="/v1", description="Custom competitor catalogs.")
NAME_PATTERN = "[a-z0-9][a-z0-9_-]{0,63}"
_NAME = re.compile(NAME_PATTERN)


class CatalogName(BaseConverter):
    """A catalog name in a path: any segment reaches the route, which refuses one outside
    NAME_PATTERN with a 422 that states the rule (a 404 would not say what to fix); the contract
    states the pattern (service.api.app registers it), so a generated client never sends one."""

    SCHEMA = {"type": "string", "pattern": f"^{NAME_PATTERN}$"}


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
    return {"catalogs": services().catalogs.catalogs(tenant())}


IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "Required to replace an existing catalog: its ETag (the ETag header of its PUT answer, or "
                   "its version in double quotes), or *. Without it 428; with another version 412.",
}
ETAG = {"ETag": {"description": "The catalog's version, quoted: send it in If-Match to replace it.",
                 "schema": {"type": "string"}}}


@blp.route("/catalogs/<catalog_name:name>", methods=["PUT"])
@requires("admin")
@blp.doc(operationId="putCatalog", parameters=[IF_MATCH], responses={200: {"headers": ETAG}})
@blp.arguments(CatalogInSchema())
@blp.response(200, CatalogSchema)
@problems(blp, *BODY_PROBLEMS, *ACCESS_PROBLEMS, 412, 428)
def put_catalog(catalog, name):
    """Register (or replace) a catalog of your tenant's for every worker and instance.

    Every product is validated and every problem listed at once; nothing is stored unless all are
    valid. Score against it with ?catalog=NAME, or ?catalog=NAME+report for both. The catalog
    belongs to the tenant of the key that registers it: other tenants can neither see, score
    against nor replace it (theirs of the same name is their own). Replacing takes If-Match.
    """
    if not _NAME.fullmatch(name):      # fullmatch: `$` would let "acme\n" through
        raise InvalidInput("Catalog names are 1-64 lowercase letters, digits, '-' or '_'.",
                           [FieldError("name", "invalid catalog name", name, NAME_PATTERN)])
    g.items = len(catalog["products"])     # its worker-time allowance is per product (service/api/quota.py)
    sent = request.if_match if "If-Match" in request.headers else None
    # Strong tags only: If-Match compares strongly (RFC 9110), so a weak or empty tag never matches.
    if_match = None if sent is None else ("*",) if sent.star_tag else tuple(sorted(filter(None, sent.as_set())))
    registered = services().catalogs.register(name, catalog["products"], tenant(), if_match)
    return registered, 200, {"ETag": f'"{registered.version}"'}
