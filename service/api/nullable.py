"""Null for fields documented by their alternatives (OpenAPI 3.1).

apispec adds "null" to a nullable field's `type`, but a field documented as alternatives instead (a
rate sent as a number or a string: `oneOf` in its metadata) has no `type`, so its null was lost and
the documented examples with `null` failed validation. This adds the null alternative."""


def null_alternative(self, field, ret, **kwargs) -> dict:
    """An apispec attribute function (MarshmallowPlugin converter), run after apispec's own."""
    if not field.allow_none or "type" in ret:
        return {}
    for keyword in ("oneOf", "anyOf"):
        alternatives = ret.get(keyword)
        if alternatives is not None and {"type": "null"} not in alternatives:
            return {keyword: [*alternatives, {"type": "null"}]}
    return {}
