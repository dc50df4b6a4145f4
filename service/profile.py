"""The product profile every layer below the API works with: canonical codes only, immutable."""

from dataclasses import dataclass, field

CERTIFICATION_LEVELS = ("none", "in_progress", "certified")

# Which vocabulary kind each term-valued profile field draws from.
FIELD_KINDS = {
    "tech_stack": "technology",
    "scenarios": "scenario",
    "target_segments": "segment",
    "business_model": "business_model",
    "partners": "partner",
    "compliance.licenses": "license",
    "compliance.data_sources": "data_source",
    "compliance.privacy_controls": "privacy_control",
}
KIND_FIELDS = {kind: name for name, kind in FIELD_KINDS.items()}
KIND_FIELDS["domain"] = "domain"


@dataclass(frozen=True, slots=True)
class Compliance:
    licenses: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()
    privacy_controls: tuple[str, ...] = ()
    cross_border: bool = False
    certification: str = "none"
    sandbox: bool = False
    max_apr: float | None = None


@dataclass(frozen=True, slots=True)
class ProductProfile:
    domain: str
    name: str = ""
    tech_stack: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    target_segments: tuple[str, ...] = ()
    business_model: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    description: str | None = None
    compliance: Compliance = field(default_factory=Compliance)

    def terms(self, kind: str) -> tuple[str, ...]:
        """The profile's codes of one vocabulary kind."""
        if kind == "domain":
            return (self.domain,)
        name = KIND_FIELDS[kind]
        if name.startswith("compliance."):
            return getattr(self.compliance, name.split(".", 1)[1])
        return getattr(self, name)
