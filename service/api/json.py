"""Flask's JSON provider on orjson: the same documents (keys sorted, as Flask's default provider
writes them), encoded about ten times faster, which matters for answers of 15-30 KB."""

import dataclasses
import decimal
import uuid
from datetime import date

import orjson
from flask.json.provider import JSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value):
    """What orjson does not know natively and Flask's provider did: Decimal, sets, dates as strings."""
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(obj) -> bytes:
    """A document as the provider writes it (keys sorted), without the trailing newline."""
    return orjson.dumps(obj, default=_default, option=_OPTIONS)


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=_default, option=_OPTIONS).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        data = orjson.dumps(obj, default=_default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        return self._app.response_class(data, mimetype="application/json")
