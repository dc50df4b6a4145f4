"""Profiles as flat rows (CSV cells): shared by catalog files and the batch client, one convention.

Columns are the declared profile fields (service.profile.PROFILE_FIELDS): 'tech_stack',
'compliance.licenses' and so on. List cells hold terms separated the way spreadsheets hold them
(; | , ， 、 or line breaks, not inside brackets); a rate cell may read '18%'. A cell that cannot be read is an error for
its row, never a guess."""

import re

from service.profile import PROFILE_FIELDS
from service.vocabulary.scalars import read_rate

PROFILE_COLUMNS = {"name", "domain", "description", *(f.path for f in PROFILE_FIELDS)}
# Line breaks of every kind separate terms, as str.splitlines() knows them (a spreadsheet cell may hold
# U+2028 or a vertical tab where its author pressed Alt+Enter).
_SEPARATORS = re.compile(r"[;|,，、；\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_TRUE, _FALSE = {"true", "yes", "1", "y", "是"}, {"false", "no", "0", "n", "否", ""}


_OPEN, _CLOSE = "([{（【［｛", ")]}）】］｝"


def split_terms(cell: str) -> list[str]:
    """The terms of a list cell; a separator inside brackets does not split ('high-risk merchants
    (online gambling, adult)' is one term; a bracket left open is ignored). Linear: one sweep, tracking the bracket depth."""
    parts, start, depth = [], 0, 0
    for i, char in enumerate(cell):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and _SEPARATORS.match(char):
            parts.append(cell[start:i])
            start = i + 1
    parts.append(cell[start:])
    if depth:                       # a bracket never closed: split as if there were none
        parts = _SEPARATORS.split(cell)
    return [part.strip() for part in parts if part.strip()]


def profile_from_cells(cells: dict, rates_as_written: bool = False) -> dict:
    """One row's cells (stripped strings) as a profile dict; ValueError names the unreadable cell.
    `rates_as_written`: keep a rate cell's text ('150%') for the service to read, rather than a
    fraction (1.5) that the API would take for 1.5%."""
    profile: dict = {"name": cells.get("name", ""), "domain": cells.get("domain", "")}
    if cells.get("description"):
        profile["description"] = cells["description"]
    compliance: dict = {}
    for spec in PROFILE_FIELDS:
        cell = cells.get(spec.path, "")
        target = compliance if spec.in_compliance else profile
        if spec.shape == "flag":
            if cell.lower() in _TRUE:
                target[spec.name] = True
            elif cell.lower() not in _FALSE:
                raise ValueError(f"{spec.path}: {cell!r} is not true/false")
        elif not cell:
            continue
        elif spec.shape == "terms":
            target[spec.name] = split_terms(cell)
        elif spec.shape == "rate":
            try:
                rate = read_rate(cell)[0]
                target[spec.name] = cell if rates_as_written else rate
            except ValueError as exc:
                raise ValueError(f"{spec.path}: {cell!r} is not {exc}") from None
        else:
            target[spec.name] = cell
    if compliance:
        profile["compliance"] = compliance
    return profile
