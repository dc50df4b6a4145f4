"""The product profile every layer below the API works with: canonical codes only, immutable.

`PROFILE_FIELDS` is the one declaration of the profile's fields: request schemas, CSV columns, edit
fields, look-alike conditions and rule facts are all derived from it, so a new field is one line here."""

import unicodedata
from dataclasses import dataclass, field

CERTIFICATION_LEVELS = ("none", "in_progress", "certified")
# Where a profile operates when nothing typed says otherwise: the report's market.
DEFAULT_JURISDICTION = "mainland_china"
# What a licence can permit (licences' `covers` in vocabulary.yaml): the domains and the activities
# that need a licence of their own wherever the product operates.
ACTIVITIES = ("payments", "lending", "wealth_management", "insurtech", "regtech", "digital_banking",
              "cross_border_payments", "crypto_assets", "credit_reporting")
VERDICTS = ("differentiated", "homogeneous", "penalised")
ONE_LINE = "one line of text: no control characters (tabs, line breaks, NUL...) or line separators"
# The same rule as a pattern, for the contract: Unicode's control (Cc) and line/paragraph separator
# (Zl, Zp) characters are exactly these ranges.
ONE_LINE_PATTERN = "^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"


def one_line(text: str) -> bool:
    """Names end up in answers, CSV cells, logs and report pages, where a line break or a control
    character would forge or hide a line."""
    return not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


@dataclass(frozen=True)
class ProfileField:
    """One field of a profile: where it sits, what it holds and how it reads in both languages."""

    path: str                   # "tech_stack", "compliance.max_apr"
    shape: str                  # terms (a list of vocabulary terms), flag, level or rate
    fact: str                   # what rule conditions call it (the vocabulary kind for terms)
    label_en: str
    label_zh: str
    description: str
    example: object = None
    similarity: bool = False    # its terms place a product in its market (rivals, combinations)

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    @property
    def in_compliance(self) -> bool:
        return self.path.startswith("compliance.")


PROFILE_FIELDS = (
    ProfileField("tech_stack", "terms", "technology", "technology", "技术", "Technologies.",
                 ["iot", "AI pricing"], similarity=True),
    ProfileField("scenarios", "terms", "scenario", "scenario", "场景", "Usage scenarios and services.",
                 ["NEV charging"], similarity=True),
    ProfileField("target_segments", "terms", "segment", "segment", "客群", "Target customer segments.",
                 ["NEV owners"], similarity=True),
    ProfileField("business_model", "terms", "business_model", "business model", "商业模式",
                 "Revenue models and practices.", ["insurance_premiums"], similarity=True),
    ProfileField("partners", "terms", "partner", "partner", "合作伙伴", "Ecosystem partners.",
                 ["charging_operators"], similarity=True),
    ProfileField("jurisdiction", "terms", "jurisdiction", "jurisdiction", "经营地", (
        "Markets of operation (mainland China, Hong Kong, UK, EU, US...). Left out, it is read from the "
        "licences and regulators named (FCA, SFC, HKMA, SEC, state money-transmitter licences, EMI, MAS, "
        "CBK...), else mainland China, the report's market; the interpretation says which."), ["UK"]),
    ProfileField("compliance.licenses", "terms", "license", "licence", "牌照",
                 "Licences held (or held by the licensed partner).", ["payment_license"]),
    ProfileField("compliance.data_sources", "terms", "data_source", "data source", "数据来源",
                 "Personal and business data the product uses.", ["transaction_data"]),
    ProfileField("compliance.privacy_controls", "terms", "privacy_control", "privacy control", "隐私保护措施",
                 "Privacy and compliance controls in place.", ["granular_consent"]),
    ProfileField("compliance.practices", "terms", "practice", "practice", "经营做法", (
        "Practices regulators act on (pre-ticked or tick-box consent, credential scraping, up-front fee "
        "deduction, ultra-short high-cost loans, KYC-lite, payment for order flow...). Also read from "
        "every other field and the description, where the interpretation says so."),
        ["pre-ticked consent"]),
    ProfileField("compliance.cross_border", "flag", "cross_border", "cross-border flows", "跨境业务",
                 "Whether funds or personal data cross the border."),
    ProfileField("compliance.certification", "level", "certification", "certification", "产品认证",
                 "Fintech product certification status (report 2.3.3)."),
    ProfileField("compliance.sandbox", "flag", "sandbox", "regulatory sandbox", "监管沙盒",
                 "Whether the product is tested inside a regulatory sandbox."),
    ProfileField("compliance.max_apr", "rate", "max_apr", "maximum APR", "最高年化利率",
                 "Highest annual percentage rate charged; null if no credit."),
)
FIELDS = {f.path: f for f in PROFILE_FIELDS}
TERM_FIELDS = tuple(f for f in PROFILE_FIELDS if f.shape == "terms")
# Which vocabulary kind each term-valued profile field draws from, and the other way round.
FIELD_KINDS = {f.path: f.fact for f in TERM_FIELDS}
KIND_FIELDS = {kind: path for path, kind in FIELD_KINDS.items()}
KIND_FIELDS["domain"] = "domain"
# The vocabulary kinds rule conditions test, and the fact an edit of each field changes.
CONDITION_KINDS = ("domain", *FIELD_KINDS.values())
FIELD_FACTS = {"domain": "domain", **{f.path: f.fact for f in PROFILE_FIELDS}}
SIMILARITY_KINDS = ("domain", *(f.fact for f in PROFILE_FIELDS if f.similarity))
# Vocabulary kinds that read a scalar field as people write it (their codes are the field's levels).
PHRASE_KINDS = ("certification",)


@dataclass(frozen=True, slots=True)
class Compliance:
    licenses: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()
    privacy_controls: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()
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
    jurisdiction: tuple[str, ...] = (DEFAULT_JURISDICTION,)
    description: str | None = None
    compliance: Compliance = field(default_factory=Compliance)

    def terms(self, kind: str) -> tuple[str, ...]:
        """The profile's codes of one vocabulary kind."""
        if kind == "domain":
            return (self.domain,)
        in_compliance, name = _ATTRIBUTES[KIND_FIELDS[kind]]
        return getattr(self.compliance if in_compliance else self, name)

    def value(self, path: str):
        """The value of a declared field, e.g. value('compliance.max_apr')."""
        in_compliance, name = _ATTRIBUTES[path]
        return getattr(self.compliance if in_compliance else self, name)


# Where each declared field sits on the dataclasses: looked up on every rule test, so kept flat.
_ATTRIBUTES = {f.path: (f.in_compliance, f.name) for f in PROFILE_FIELDS}


def build_profile(domain: str, values: dict, **extra) -> ProductProfile:
    """A profile from declared field paths to values (absent fields keep their defaults)."""
    compliance = {FIELDS[p].name: v for p, v in values.items() if FIELDS[p].in_compliance}
    top = {FIELDS[p].name: v for p, v in values.items() if not FIELDS[p].in_compliance}
    return ProductProfile(domain=domain, compliance=Compliance(**compliance), **top, **extra)
