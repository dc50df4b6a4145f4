"""HTTP layer: thin views over the scoring core, marshmallow schemas, problem+json errors, docs."""
