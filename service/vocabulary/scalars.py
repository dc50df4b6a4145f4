"""Numbers as people write them: '24%', '24 %', 24, 0.24 and '150%' are all annual rates.

Read by plain string steps, not one regular expression: a pattern with repeated optional words and
white space backtracks cubically on a run of spaces (a 4 KB value took a worker past its timeout),
so the text is length-capped first and every step below is linear in it."""

import math
import re
import unicodedata

from service.vocabulary.extract import CUES, PERCENT_MENTION
from service.vocabulary.terms import EXACT, UNKNOWN

NEGATED, PHRASE = "negated", "phrase"     # the readings of a rate in words (as service.vocabulary.profiles says)

PERCENT, FRACTION = "percent", "fraction"
# A rate as written is short: longer text is not parsed as one (read_rate refuses it) ...
RATE_MAX_CHARS = 40
# ... but read as a phrase (read_rate_phrase) up to the length of any typed value (openapi.yaml).
RATE_TEXT_MAX = 200
_NO_RATE = ("n/a", "na", "n.a.", "none", "nil", "not applicable", "not a lender", "no credit", "no lending",
            "不适用", "不適用", "无", "無", "没有", "沒有", "无贷款", "不放贷")
_PREFIXES = ("~", "≈", "about", "around", "approx.", "approx", "up to", "maximum", "max", "约", "最高",
             "apr", "年化利率", "年化", "年利率")
_UNITS = ("%", "％", "percent", "pct")
_SUFFIXES = ("", "apr", "p.a.", "p.a", "pa.", "pa", "a year", "per year", "年化", "/年")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")   # no nested repetition: linear
# A rate above this many times the principal a year is a typing error, not a red flag.
MAX_RATE = 10.0


def read_rate(value) -> tuple[float, str, str]:
    """(rate as a fraction, how it was read, a note). A bare number above 1 is a percentage: 24
    means 24% (0.24); a number up to 1 is a fraction, so write '1%' for one percent. ValueError
    says what is accepted."""
    if isinstance(value, bool):
        raise ValueError(RATE_ACCEPTED)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:      # a 400-digit integer
            raise ValueError(RATE_ACCEPTED) from None
        percent, how = False, EXACT
    else:
        number, percent = _parse(str(value))
        how = PERCENT
    if not math.isfinite(number):
        raise ValueError(RATE_ACCEPTED)
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


def read_rate_phrase(text: str) -> tuple[float | None, str, str]:
    """A rate written in words, for lenient reading (read_rate refused it): (rate or None, how, note).
    'n/a', '不适用' or 'not a lender' mean no credit (None); 'interest-free' is 0; otherwise the
    highest annual percentage the phrase names ('up to 35.99% APR', '日利率0.02%-0.05%，年化不超过18.25%');
    nothing readable is not recognised, and the note says what to send."""
    folded = unicodedata.normalize("NFKC", text[:RATE_TEXT_MAX]).casefold().strip()
    bare = folded.strip(" .()（）")
    if bare in _NO_RATE or bare.startswith(("n/a ", "none ", "不适用", "不適用")):
        return None, NEGATED, "no rate: read as no credit (null)"
    if any(cue in folded for cue in CUES["no_interest"]):
        return 0.0, PHRASE, "read as no interest (0)"
    found = [float(m.group(1)) for m in PERCENT_MENTION.finditer(folded)]
    found = [n for n in found if n / 100 <= MAX_RATE]
    if found:
        rate = max(found) / 100
        return round(rate, 6), PHRASE, f"read the highest rate the phrase names: {max(found):g}% ({rate:g})"
    return None, UNKNOWN, f"not read as a rate: send {RATE_ACCEPTED}, or null for no credit"


def _parse(text: str) -> tuple[float, bool]:
    """(number, whether a percent unit was written) from '约 24 % p.a.'-style text; ValueError if not."""
    if len(text) > RATE_MAX_CHARS:
        raise ValueError(RATE_ACCEPTED)
    rest = unicodedata.normalize("NFKC", text).casefold().strip()
    while True:                      # words before the number, in any order, each dropped once seen
        prefix = next((p for p in _PREFIXES if rest.startswith(p)), None)
        if prefix is None:
            break
        rest = rest[len(prefix):].lstrip()
    number = _NUMBER.match(rest)
    if not number:
        raise ValueError(RATE_ACCEPTED)
    rest = rest[number.end():].strip()
    unit = next((u for u in _UNITS if rest.startswith(u)), None)
    if unit:
        rest = rest[len(unit):].strip()
    if rest not in _SUFFIXES:
        raise ValueError(RATE_ACCEPTED)
    return float(number.group()), unit is not None


RATE_ACCEPTED = (f"an annual rate of at most {RATE_MAX_CHARS} characters: 0.24, 24, '24%' or '150%' (a bare "
                 f"number above 1 is a percentage; at most {MAX_RATE * 100:g}%)")
