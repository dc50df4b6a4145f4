"""Turns a structurally valid profile (plain dict) into a canonical ProductProfile."""

from service.errors import FieldError, UnknownTerm, UnknownTerms
from service.profile import FIELD_KINDS, Compliance, ProductProfile
from service.vocabulary.terms import Vocabulary


def normalise_profile(raw: dict, vocabulary: Vocabulary) -> ProductProfile:
    """Resolve every term; report every unknown one at once, each with its field path."""
    errors: list[FieldError] = []

    def resolve(path: str, kind: str, text: str) -> str | None:
        try:
            return vocabulary.resolve(kind, text).code
        except UnknownTerm as exc:
            errors.append(
                FieldError(
                    field=path,
                    message=str(exc),
                    value=text,
                    accepted=f"a {kind.replace('_', ' ')} code, English or Chinese label or synonym (GET /v1/taxonomy?kind={kind})",
                    suggestions=exc.suggestions,
                )
            )
            return None

    def resolve_list(name: str, values) -> tuple[str, ...]:
        codes: list[str] = []
        for i, text in enumerate(values or ()):
            code = resolve(f"{name}[{i}]", FIELD_KINDS[name], text)
            if code is not None and code not in codes:
                codes.append(code)
        return tuple(codes)

    domain = resolve("domain", "domain", raw["domain"])
    lists = {name: resolve_list(name, raw.get(name)) for name in FIELD_KINDS if "." not in name}
    compliance_raw = raw.get("compliance") or {}
    compliance = Compliance(
        licenses=resolve_list("compliance.licenses", compliance_raw.get("licenses")),
        data_sources=resolve_list("compliance.data_sources", compliance_raw.get("data_sources")),
        privacy_controls=resolve_list("compliance.privacy_controls", compliance_raw.get("privacy_controls")),
        cross_border=bool(compliance_raw.get("cross_border", False)),
        certification=compliance_raw.get("certification", "none"),
        sandbox=bool(compliance_raw.get("sandbox", False)),
        max_apr=compliance_raw.get("max_apr"),
    )
    profile = ProductProfile(
        domain=domain or "",
        name=raw.get("name", ""),
        description=raw.get("description"),
        compliance=compliance,
        **lists,
    )
    if errors:
        noun = "term" if len(errors) == 1 else "terms"
        raise UnknownTerms(f"{len(errors)} unknown vocabulary {noun}; see errors for the closest accepted terms", errors)
    return profile
