"""Response schemas compiled into plain functions: the marshmallow schema stays the one description
of a response (and of openapi.yaml), but a large answer is built without marshmallow's per-field
machinery (hooks, error handling, context), which cost more than scoring itself.

`dumper(Schema)` reads the schema's declared fields once and returns a function of the object; a
test checks that it answers exactly what `Schema().dump` does."""

from functools import cache

from marshmallow import Schema, fields
from marshmallow.utils import get_value, missing as marshmallow_missing

_MISSING = object()


@cache
def dumper(schema_class: type[Schema]):
    """A function object -> dict equal to schema_class().dump(object), without its overhead."""
    schema = schema_class()
    plan = tuple((field.data_key or name, *_reader(schema, name, field)) for name, field in schema.dump_fields.items())

    def dump(obj) -> dict:
        out = {}
        for key, read, convert in plan:
            value = read(obj)
            if value is _MISSING:
                continue
            out[key] = value if value is None or convert is None else convert(value)
        return out
    return dump


def _reader(schema: Schema, name: str, field: fields.Field):
    """How to get a field's raw value from an object, and how to convert it (None: as is)."""
    if isinstance(field, fields.Method):
        method = getattr(schema, field.serialize_method_name)
        return method, None
    if isinstance(field, fields.Function):
        function = field.serialize_func
        return function, None
    path = field.attribute or name
    default = field.dump_default

    def read(obj, path=path, default=default):
        value = get_value(obj, path, default=_MISSING)
        if value is _MISSING:
            return _MISSING if default is marshmallow_missing else (default() if callable(default) else default)
        return value
    return read, _converter(field)


def _converter(field: fields.Field):
    if isinstance(field, fields.Nested):
        nested = dumper(field.schema.__class__)
        many = field.many
        return (lambda values: [nested(v) for v in values]) if many else nested
    if isinstance(field, fields.List):
        inner = _converter(field.inner)
        return list if inner is None else (lambda values: [None if v is None else inner(v) for v in values])
    if isinstance(field, fields.Float):
        return float
    if isinstance(field, fields.Integer):
        return int
    if isinstance(field, fields.Boolean):
        return bool
    if isinstance(field, fields.String):
        return str
    return None
