"""Finds vocabulary terms in free text (Chinese, English or both) with an n-gram matcher: no model,
no download. English spellings match whole words only ("ai" never matches inside "email"), also as
plurals and US/UK variants; spellings with Chinese characters match anywhere in the normalised text
(Traditional script folded); a match inside a longer one is dropped. A draft also reads the domain
from cues when none is named, negations ("no claims adjuster", "尚未取得牌照") and annual rates.

Chinese segmentation (jieba) was tried against this and left out: every term is a dictionary entry
here already, so a segmenter adds a 20 MB dictionary and cuts through terms it does not know."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, fields

from service.profile import KIND_FIELDS
from service.vocabulary.terms import Vocabulary, loose, normalise

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Starts only where a number starts, so a run of digits is tried once, not from each of its digits.
PERCENT_MENTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:%|％|percent)")
_MAX_WORDS = 5
# How far back a negation is looked for: a sentence break or the negation windows end it well before.
_LOOKBACK = 200
_FILE = Path(__file__).with_name("extraction.yaml")


class _CuesSchema(Schema):
    class Meta:
        unknown = RAISE

    domain_cues = fields.Dict(fields.String(), fields.List(fields.String()), required=True)
    domain_votes = fields.Dict(fields.String(), fields.Float(), required=True)
    negations_zh = fields.List(fields.String(), required=True)
    negations_en = fields.List(fields.String(), required=True)
    negation_window_zh = fields.Integer(required=True)
    negation_window_en = fields.Integer(required=True)
    sentence_breaks = fields.String(required=True)
    no_licence_zh = fields.List(fields.String(), required=True)
    no_licence_en = fields.List(fields.String(), required=True)
    rate_cues = fields.List(fields.String(), required=True)
    rate_window = fields.Integer(required=True)
    no_interest = fields.List(fields.String(), required=True)
    negating_suffixes = fields.List(fields.String(), required=True)


CUES = _CuesSchema().load(yaml.safe_load(_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Match:
    kind: str
    code: str
    phrase: str          # the text as the user wrote it
    start: int
    field: str
    label_en: str
    label_zh: str
    negated: bool = False


@dataclass(frozen=True)
class Reading:
    """What a blurb says beyond its terms."""

    matches: list[Match]
    domain: str | None
    domain_evidence: str          # why that domain (or why none)
    max_apr: float | None
    rate_phrase: str | None
    no_licence: str | None        # the phrase saying it holds no licence


class TermFinder:
    """Built once per vocabulary: English spellings by normalised n-gram, Chinese ones in one regex."""

    def __init__(self, vocabulary: Vocabulary):
        self._latin: dict[str, list[tuple[str, str]]] = {}
        self._latin_loose: dict[str, list[tuple[str, str]]] = {}
        chinese: dict[str, list[tuple[str, str]]] = {}
        for kind in vocabulary.kinds:
            if kind not in KIND_FIELDS:
                continue
            for term in vocabulary.terms(kind):
                for spelling in term.spellings():
                    key = normalise(spelling)
                    target = chinese if _CJK.search(key) else self._latin
                    for index, k in ((target, key), (None if target is chinese else self._latin_loose, loose(spelling))):
                        if index is not None and k and (kind, term.code) not in index.setdefault(k, []):
                            index[k].append((kind, term.code))
        self._chinese = chinese
        self._vocabulary = vocabulary
        self._labels = {(k, t.code): (t.en, t.zh) for k in vocabulary.kinds for t in vocabulary.terms(k)}
        self._pattern = re.compile("|".join(re.escape(k) for k in sorted(chinese, key=len, reverse=True)))
        self._cues_zh = [(c, d) for d, cues in CUES["domain_cues"].items() for c in cues if _CJK.search(c)]
        self._cues_en = {c: d for d, cues in CUES["domain_cues"].items() for c in cues if not _CJK.search(c)}

    def find(self, text: str) -> list[Match]:
        """Every term mentioned in `text`, in order of appearance, each kind and code once; a term
        mentioned only as absent ('no claims adjuster') comes back with negated=True."""
        folded, origin = _fold(text)
        spans = []
        for hit in self._pattern.finditer(folded):
            start, end = origin[hit.start()], origin[hit.end() - 1] + 1
            spans += [(start, end, kind, code) for kind, code in self._chinese[hit.group()]]
        spaced = _spaced(text)
        words = _words(spaced)
        for i in range(len(words)):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                joined = " ".join(w[2] for w in words[i:i + n])
                found = self._latin.get(normalise(joined)) or self._latin_loose.get(loose(joined), ())
                spans += [(words[i][0], words[i + n - 1][1], kind, code) for kind, code in found]
        found: dict[tuple[str, str], Match] = {}
        for kind, code, phrase, start in _outermost(spans, text):
            negated = kind != "domain" and (_negated(text, spaced, start) or _free_of(text, start + len(phrase)))
            # Each term once, where it is mentioned as present if it ever is ("not a bank ... a partner bank").
            if (kind, code) not in found or (found[kind, code].negated and not negated):
                found[kind, code] = Match(kind, code, phrase, start, KIND_FIELDS[kind], *self._labels[kind, code],
                                          negated=negated)
        return sorted(found.values(), key=lambda m: m.start)

    def read(self, text: str) -> Reading:
        """Terms, the domain (named, or inferred from services and cue words), rate and licence status."""
        matches = self.find(text)
        domain, evidence = self._domain(text, [m for m in matches if not m.negated])
        rate, phrase = _rate(text)
        return Reading(matches, domain, evidence, rate, phrase, _no_licence(text))

    def infer_domain(self, text: str) -> tuple[str | None, str]:
        """The domain a few words point at ('医疗分期' -> lending), and why; (None, why not) if none."""
        return self._domain(text, [m for m in self.find(text) if not m.negated])

    def _domain(self, text: str, matches: list[Match]) -> tuple[str | None, str]:
        votes: Counter = Counter()
        why: dict[str, list[str]] = {}
        weights = CUES["domain_votes"]

        def vote(domain: str, weight: float, phrase: str):
            votes[domain] += weight
            why.setdefault(domain, []).append(phrase)

        for m in matches:
            if m.kind == "domain":
                vote(m.code, weights["named"], m.phrase)
            elif m.kind == "scenario":
                for domain in self._vocabulary.term("scenario", m.code).domains[:1]:
                    vote(domain, weights["service"], m.phrase)
        # Cue words count outside the terms already matched: '信贷' named as a domain is not also a cue.
        rest = list(text)
        for m in matches:
            if m.kind == "domain" or self._vocabulary.term(m.kind, m.code).domains:  # only terms that voted
                rest[m.start:m.start + len(m.phrase)] = " " * len(m.phrase)
        rest = "".join(rest)
        folded, _ = _fold(rest)
        for cue, domain in self._cues_zh:
            for _ in range(folded.count(cue)):
                vote(domain, weights["cue"], cue)
        for _, _, word in _words(_spaced(rest)):
            if word in self._cues_en:
                vote(self._cues_en[word], weights["cue"], word)
        if not votes:
            return None, "no domain, service or cue word found: send `domain`"
        lower = text.lower()
        best = max(votes, key=lambda d: (votes[d], -min(lower.find(p.lower()) % (len(text) + 1)
                                                         for p in dict.fromkeys(why[d]))))
        return best, f"from {', '.join(dict.fromkeys(why[best]))}"


def _words(spaced: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(spaced)]


_NEGATION_EN = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(n) for n in CUES["negations_en"]) + r")(?=\s|$)")
_BREAKS = re.compile("[" + re.escape(CUES["sentence_breaks"]) + "]")


def _negated(text: str, spaced: str, start: int) -> bool:
    """Whether a negation word stands just before `start`, in the same sentence (`spaced` is the
    text as _spaced folds it). Looks back a bounded stretch, so reading a text stays linear."""
    low = max(0, start - _LOOKBACK)
    breaks = [m.end() for m in _BREAKS.finditer(text, low, start)]
    low = breaks[-1] if breaks else low
    zh = text[max(low, start - CUES["negation_window_zh"]):start]
    if any(n in zh for n in CUES["negations_zh"]):
        return True
    words = " ".join(spaced[low:start].split()[-CUES["negation_window_en"]:])
    return _NEGATION_EN.search(words) is not None


def _free_of(text: str, end: int) -> bool:
    """'interest-free', '免手续费'-style: a suffix right after the term says the product is without it."""
    after = text[end:end + max(len(s) for s in CUES["negating_suffixes"])].casefold()
    return any(after.startswith(suffix) for suffix in CUES["negating_suffixes"])


def _rate(text: str) -> tuple[float | None, str | None]:
    """The highest percentage that stands near a rate word (APR, 年化, interest...); 0 for a product
    that says it charges no interest ('interest-free', '免息')."""
    lower = _spaced(text)
    found = [(0.0, text[lower.find(w):lower.find(w) + len(w)]) for w in CUES["no_interest"] if w in lower]
    for hit in PERCENT_MENTION.finditer(lower):
        window = lower[max(0, hit.start() - CUES["rate_window"]): hit.end() + CUES["rate_window"]]
        if any(cue in window for cue in CUES["rate_cues"]):
            found.append((float(hit.group(1)) / 100, text[hit.start():hit.end()]))
    return max(found) if found else (None, None)


def _no_licence(text: str) -> str | None:
    lower = _spaced(text)
    for phrase in (*CUES["no_licence_zh"], *CUES["no_licence_en"]):
        if phrase in lower:
            return phrase
    return None


def _fold(text: str) -> tuple[str, list[int]]:
    """The normalised text (as `normalise` folds it) and, per character, where it came from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in normalise(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def _spaced(text: str) -> str:
    """Width- and case-folded text with its length kept, so word positions stay those of `text`."""
    return "".join(unicodedata.normalize("NFKC", c).casefold()[:1] or " " for c in text)


def _outermost(spans, text: str) -> list[tuple[str, str, str, int]]:
    """Drops matches inside a longer one, in order of appearance; a term may appear more than once."""
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    # One sweep (not every pair): a span sits inside a longer one when a span that starts earlier ends
    # at or after its end, or one that starts with it ends later.
    kept, earlier_end, group_start, group_end = [], -1, None, -1
    for span in spans:
        if span[0] != group_start:
            earlier_end, group_start, group_end = max(earlier_end, group_end), span[0], span[1]
        if earlier_end < span[1] and group_end <= span[1]:
            kept.append(span)
    return list(dict.fromkeys((kind, code, text[start:end], start) for start, end, kind, code in kept))
