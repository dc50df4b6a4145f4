"""Profiles as flat rows (CSV cells): shared by catalog files and the batch client, one convention.

Columns are the profile fields; list cells hold terms separated by ';' or '|'; compliance fields
are 'compliance.licenses' and so on. A cell that cannot be read is an error for its row, never a guess."""

LIST_FIELDS = ("tech_stack", "scenarios", "target_segments", "business_model", "partners")
COMPLIANCE_LISTS = ("licenses", "data_sources", "privacy_controls")
COMPLIANCE_FLAGS = ("cross_border", "sandbox")
PROFILE_COLUMNS = {"name", "domain", "description", *LIST_FIELDS,
                   *(f"compliance.{f}" for f in (*COMPLIANCE_LISTS, *COMPLIANCE_FLAGS, "certification", "max_apr"))}
_TRUE, _FALSE = {"true", "yes", "1", "y", "是"}, {"false", "no", "0", "n", "否", ""}


def split_terms(cell: str) -> list[str]:
    separator = "|" if "|" in cell else ";"
    return [part.strip() for part in cell.split(separator) if part.strip()]


def profile_from_cells(cells: dict) -> dict:
    """One row's cells (stripped strings) as a profile dict; ValueError names the unreadable cell."""
    profile: dict = {"name": cells.get("name", ""), "domain": cells.get("domain", "")}
    if cells.get("description"):
        profile["description"] = cells["description"]
    for field in LIST_FIELDS:
        if cells.get(field):
            profile[field] = split_terms(cells[field])
    compliance: dict = {}
    for field in COMPLIANCE_LISTS:
        if cells.get(f"compliance.{field}"):
            compliance[field] = split_terms(cells[f"compliance.{field}"])
    for field in COMPLIANCE_FLAGS:
        value = cells.get(f"compliance.{field}", "").lower()
        if value in _TRUE:
            compliance[field] = True
        elif value not in _FALSE:
            raise ValueError(f"compliance.{field}: {value!r} is not true/false")
    if cells.get("compliance.certification"):
        compliance["certification"] = cells["compliance.certification"]
    if cells.get("compliance.max_apr"):
        try:
            compliance["max_apr"] = float(cells["compliance.max_apr"])
        except ValueError:
            raise ValueError(f"compliance.max_apr: {cells['compliance.max_apr']!r} is not a number") from None
    if compliance:
        profile["compliance"] = compliance
    return profile
