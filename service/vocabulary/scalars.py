"""Numbers as people write them: '24%', '24 %', 24, 0.24 and '150%' are all annual rates."""

import re
import unicodedata

from service.vocabulary.terms import EXACT

PERCENT, FRACTION = "percent", "fraction"
_RATE = re.compile(r"^\s*(?:~|≈|about|around|approx\.?|up to|max(?:imum)?|约|最高|apr|年化(?:利率)?|年利率|\s)*"
                   r"([0-9]+(?:\.[0-9]+)?)\s*(%|％|percent|pct)?\s*(?:apr|p\.?a\.?|a year|per year|年化|/年)?\s*$", re.I)
# A rate above this many times the principal a year is a typing error, not a red flag.
MAX_RATE = 10.0


def read_rate(value) -> tuple[float, str, str]:
    """(rate as a fraction, how it was read, a note). A bare number above 1 is a percentage: 24
    means 24% (0.24); a number up to 1 is a fraction, so write '1%' for one percent. ValueError
    says what is accepted."""
    if isinstance(value, bool):
        raise ValueError(RATE_ACCEPTED)
    if isinstance(value, (int, float)):
        number, percent, how = float(value), False, EXACT
    else:
        match = _RATE.match(unicodedata.normalize("NFKC", str(value)))
        if not match:
            raise ValueError(RATE_ACCEPTED)
        number, percent, how = float(match.group(1)), bool(match.group(2)), PERCENT
    if percent or number > 1:
        rate = number / 100
        note = f"read as {number:g}% ({rate:g})"
        how = PERCENT
    else:
        rate = number
        note = f"read as a fraction: {rate:g} = {rate * 100:g}%" if how != EXACT or rate == 1 else ""
        how = how if how == EXACT else FRACTION
    if rate < 0 or rate > MAX_RATE:
        raise ValueError(RATE_ACCEPTED)
    return round(rate, 6), how, note


RATE_ACCEPTED = ("an annual rate: 0.24, 24, '24%' or '150%' (a bare number above 1 is a percentage; "
                 f"at most {MAX_RATE * 100:g}%)")
