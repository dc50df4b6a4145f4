"""Term look-up that reads what people type and says how it read it.

A spelling is tried, in order: exactly as listed (after folding case, width and separators), in
Simplified script, as a spelling variant (US/UK, plurals, 'technology/platform/系统' suffixes), as a
known term of another kind, and as a near miss. Each step is reported, so nothing is guessed silently."""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

import opencc
from rapidfuzz import fuzz, process

from service.errors import UnknownTerm
from service.profile import KIND_FIELDS
from service.vocabulary.spelling import SPELLING

# Separators users put between words in either language; they never change a term's meaning.
_SEPARATORS = re.compile(r"[\s\-_/+·・、,，.。&()（）\[\]【】'\"“”‘’:：;；|]+")
# The words between separators, with their positions (what _SEPARATORS.split yields, where it was).
WORD_SPANS = re.compile(r"[^\s\-_/+·・、,，.。&()（）\[\]【】'\"“”‘’:：;；|]+")
_BRACKETED = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]")
_WORDS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_CJK = CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")   # CJK: for the other readers
# Characters only, so Simplified text never changes ('小程序' stays); phrases (Taiwan usage, '資料' ->
# '数据', '人工智慧' -> '人工智能') are a second try when the characters alone match nothing.
_T2S = opencc.OpenCC("t2s")
_TW2SP = opencc.OpenCC("tw2sp")

# How a value was read; the strict handling accepts only the first three.
EXACT, SYNONYM, FAMILY = "exact", "synonym", "family"
CONVERTED, VARIANT, MOVED, FUZZY, UNKNOWN = "converted_script", "spelling_variant", "moved", "fuzzy", "not_recognised"
SPLIT, CONTAINED = "split", "contained"
# A contained piece may carry a generic suffix (技术/系统/平台) its spelling lacks: this many characters.
_AFFIX_MARGIN = 4
STRICT_READINGS = frozenset({EXACT, SYNONYM, FAMILY})
TERM_READINGS = (EXACT, SYNONYM, FAMILY, CONVERTED, VARIANT, MOVED, SPLIT, CONTAINED, FUZZY, UNKNOWN)


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Fold width (NFKC), case, separators and Traditional script: 'AI-Risk Control' == 'ａｉ风控'."""
    return _fold_script(_normalise_spelling(text))


@lru_cache(maxsize=65536)
def _normalise_spelling(text: str) -> str:
    """Width, case and separators folded, script kept: tells a script conversion from an exact match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFKC", _SEPARATORS.sub("", folded))


def _hidden(text: str) -> bool:
    """Whether the text holds characters that _normalise_spelling drops unseen (zero-width, control)."""
    return any(unicodedata.category(ch)[0] == "C" for ch in text)


def _fold_script(key: str) -> str:
    """Simplified characters, and the variants OpenCC leaves ('转帐' -> '转账')."""
    if not _CJK.search(key):
        return key
    key = _T2S.convert(key)
    for variant, usual in SPELLING.zh_variants.items():
        key = key.replace(variant, usual)
    return key


def _phrases(key: str) -> str:
    """Taiwan and Hong Kong phrases in mainland usage (OpenCC's tw2sp, then spelling.yaml's table), for
    Chinese text whose characters alone match nothing."""
    return SPELLING.zh_words(_TW2SP.convert(key)) if _CJK.search(key) else key


@lru_cache(maxsize=65536)
def loose(text: str) -> str:
    """A looser key: English words singular and in one spelling, generic suffixes dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = [SPELLING.word(w) for w in _SEPARATORS.split(_fold_script(folded)) if w]
    key = "".join(words)
    return SPELLING.strip_affixes(key) or key


def units(text: str) -> frozenset[str]:
    """The meaningful pieces of a spelling: English words of 3+ letters and Chinese characters."""
    folded = _fold_script(unicodedata.normalize("NFKC", text).casefold())
    return frozenset(SPELLING.word(w) for w in _WORDS.findall(folded)
                     if (len(w) >= 3 or _CJK.match(w)) and w not in SPELLING.stop_units)


def head_end(key: str) -> int:
    """Where a Chinese phrase's head ends (a normalised key): its end, a generic trailing word
    (平台, 人群, 管理...) aside."""
    for trailing in sorted(SPELLING.head_neutral, key=len, reverse=True):
        if key.endswith(trailing) and len(key) > len(trailing):
            return len(key) - len(trailing)
    return len(key)


def head_index(words: list[str]) -> int | None:
    """Where the head word of an English phrase is: its last word that carries meaning, before a
    preposition that starts a complement ('insurance for pets': 'insurance')."""
    for i, word in enumerate(words):
        if i and word in SPELLING.complement_words:
            # 'people with no credit history': a generic head leaves the meaning to its complement
            if not all(w in SPELLING.generic_heads or w in SPELLING.stop_units for w in words[:i]):
                words = words[:i]
            break
    meaningful = [i for i, w in enumerate(words) if w not in SPELLING.stop_units]
    return meaningful[-1] if meaningful else None


def _typo_of(text: str, spelling: str) -> bool:
    """Whether a near miss is a typo of the spelling, word by word ('pet insurence'), not another phrase
    that shares most letters ('ad networks' is not 'card networks'; 'send money home' is not '... abroad')."""
    key, listed_key = normalise(text), normalise(spelling)
    if _CJK.search(key):     # one holds the other ('养老理财宝'), or the head character agrees
        return key in listed_key or listed_key in key or key[-1:] == listed_key[-1:]
    typed = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", text).casefold()) if w]
    listed = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", spelling).casefold()) if w]
    if len(typed) != len(listed):
        return fuzz.ratio("".join(typed), "".join(listed)) >= SPELLING.joined_typo_ratio
    return all(a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= SPELLING.word_typo_ratio)
               for a, b in zip(typed, listed))


def _grams(key: str) -> set[str]:
    """Character pairs of a key, and its Chinese characters alone: a candidate for a suggestion
    shares at least one with what was typed (a cheap filter before the fuzzy scorer)."""
    return {key[i:i + 2] for i in range(len(key) - 1)} | {c for c in key if _CJK.match(c)} | ({key} if len(key) < 2 else set())


@dataclass(frozen=True)
class Term:
    kind: str
    code: str
    en: str
    zh: str
    synonyms: tuple[str, ...] = ()
    section: str = ""
    vertical: bool = False
    red_line: bool = False
    lookalike: MappingProxyType | None = field(default=None, compare=False)
    parent: str | None = None           # the umbrella (family) term of the same kind this one belongs to
    basis: str | None = None            # external basis, where the report does not name the term
    domains: tuple[str, ...] = ()       # domains a scenario or service belongs to
    generic: bool = False               # a generic channel (app, API...): no differentiator on its own
    sensitivity: str | None = None      # data sources: high, medium or low
    covers: tuple[str, ...] = ()        # licences: the activities (domains and more) the licence permits
    jurisdictions: tuple[str, ...] = ()  # licences: where it is valid (empty: wherever the product operates)
    control: str | None = None          # scenarios that are controls (KYC...): the privacy control they are

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def spellings(self) -> tuple[str, ...]:
        return (self.code, self.en, self.zh, *self.synonyms)


@dataclass(frozen=True)
class Reading:
    """How one typed value was read: the term it became (if any), how, and what else was close."""

    kind: str
    text: str
    how: str
    term: Term | None = None
    similarity: float | None = None
    suggestions: tuple[str, ...] = ()
    hint: str = ""
    parts: tuple["Reading", ...] = ()   # SPLIT: one reading per term the value names
    matched: str | None = None          # FUZZY, CONTAINED: the listed spelling it was read from

    @property
    def understood(self) -> bool:
        return self.term is not None

    @property
    def code(self) -> str | None:
        return self.term.code if self.term else None


class Vocabulary:
    """All terms by kind, with an exact and a loose spelling index per kind."""

    def __init__(self, terms):
        self._terms: dict[str, dict[str, Term]] = {}
        self._index: dict[str, dict[str, str]] = {}
        loose_index: dict[str, dict[str, set[str]]] = {}
        conflicts = []
        for term in terms:
            self._terms.setdefault(term.kind, {})[term.code] = term
            index = self._index.setdefault(term.kind, {})
            for spelling in term.spellings():
                key = normalise(spelling)
                if not key:
                    conflicts.append(f"{term.kind} {term.code!r}: spelling {spelling!r} is empty once normalised")
                elif index.setdefault(key, term.code) != term.code:
                    conflicts.append(
                        f"{term.kind}: {spelling!r} names both {index[key]!r} and {term.code!r}"
                    )
                # A spelling whose loose form is itself outranks one that lost a suffix to get there.
                rank = 0 if loose(spelling) == key else 1
                loose_index.setdefault(term.kind, {}).setdefault(loose(spelling), {}).setdefault(rank, set()).add(
                    term.code)
        if conflicts:
            raise ValueError("; ".join(conflicts))
        # A loose key that two terms share at its best rank is ambiguous: it matches neither.
        self._loose = {kind: {k: next(iter(by_rank[min(by_rank)])) for k, by_rank in keys.items()
                              if k and len(by_rank[min(by_rank)]) == 1}
                       for kind, keys in loose_index.items()}
        grams: dict[str, dict[str, list[str]]] = {}
        for kind, index in self._index.items():
            for key in index:
                for gram in _grams(key):
                    grams.setdefault(kind, {}).setdefault(gram, []).append(key)
        # Tuples, not sets: a few thousand small sets cost megabytes in every worker.
        self._grams = {kind: {g: tuple(keys) for g, keys in by_gram.items()} for kind, by_gram in grams.items()}
        # Per kind, the longest spelling in characters (normalised) and in words: what _contained reads.
        self._longest = {kind: (max((len(k) for k in index if _CJK.search(k)), default=0),
                                max((len(_SEPARATORS.split(s)) for t in self._terms[kind].values()
                                     for s in t.spellings() if not _CJK.search(s)), default=0) + 1)
                         for kind, index in self._index.items()}
        self._children = {kind: {t.parent for t in by_code.values() if t.parent}
                          for kind, by_code in self._terms.items()}
        self._units = {kind: {code: frozenset().union(*(units(s) for s in term.spellings()))
                              for code, term in by_code.items()} for kind, by_code in self._terms.items()}
        # How telling a shared word or character is: log(terms of the kind / terms using it).
        self._rarity = {}
        for kind, by_code in self._units.items():
            used = Counter(u for code_units in by_code.values() for u in code_units)
            self._rarity[kind] = {u: math.log(len(by_code) / n) for u, n in used.items()}

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._terms)

    def terms(self, kind: str) -> tuple[Term, ...]:
        return tuple(self._terms.get(kind, {}).values())

    def has(self, kind: str, code: str) -> bool:
        return code in self._terms.get(kind, {})

    def term(self, kind: str, code: str) -> Term:
        """The term for a canonical code; a non-canonical code is an UnknownTerm."""
        try:
            return self._terms[kind][code]
        except KeyError:
            raise UnknownTerm(kind, code, self.suggest(kind, code)) from None

    def is_family(self, kind: str, code: str) -> bool:
        """Whether other terms of the kind name this one as their umbrella."""
        return code in self._children.get(kind, ())

    def ancestors(self, kind: str, code: str) -> tuple[str, ...]:
        """The umbrella terms above a term, nearest first."""
        found: list[str] = []
        term = self._terms[kind][code]
        while term.parent and term.parent in self._terms[kind] and term.parent not in found:
            found.append(term.parent)
            term = self._terms[kind][term.parent]
        return tuple(found)

    def family(self, kind: str, code: str) -> str:
        """The top umbrella term of a term (itself when it has none)."""
        return (self.ancestors(kind, code) or (code,))[-1]

    def resolve(self, kind: str, text: str) -> Term:
        """The term a spelling means in this kind (exact, script or spelling variant), or UnknownTerm."""
        reading = self.read(kind, text, moves=False, fuzzy=False)
        if reading.term is None:
            raise UnknownTerm(kind, text, reading.suggestions, reading.hint)
        return reading.term

    @lru_cache(maxsize=16384)  # noqa: B019 - one Vocabulary per data version, kept for the process
    def read(self, kind: str, text: str, domain: str | None = None, moves: bool = True,
             fuzzy: bool = True) -> Reading:
        """How `text` typed where a `kind` term belongs is read (see the module docstring). A value is
        read in the field where it was typed first (as listed, then by parts or by its head word) and
        moved to another field only when it means nothing here."""
        own = self._lookup(kind, text)
        if own is not None:
            return own
        bare = _BRACKETED.sub(" ", text).strip()
        if bare and bare != text:       # 'high-risk merchants (gambling, adult)': the brackets are detail
            inner = self.read(kind, bare, domain, moves, fuzzy)
            if inner.understood:
                detail = f"read without the words in brackets ('{bare}')"
                return replace(inner, text=text, hint=f"{inner.hint}; {detail}" if inner.hint else detail)
        if moves:
            as_domain = self._lookup("domain", text, variants=False) if kind == "scenario" else None
            if as_domain is not None:
                domain_code = as_domain.term.code
                closest = self._domain_scenario(domain_code, text)
                if closest is not None:
                    return Reading(kind, text, MOVED, closest,
                                   hint=f"names the domain '{domain_code}': read as its service '{closest.code}'")
                return Reading(kind, text, UNKNOWN, suggestions=self._domain_services(domain_code),
                               hint=f"names the domain '{domain_code}' (the 'domain' field), not a service: "
                                    "name the service or setting, e.g. one of the suggestions")
        suggestions = self.suggest(kind, text, domain)
        if moves and fuzzy:
            parts = SPELLING.parts(text)
            if len(parts) > 1:
                readings = [self.read(kind, part, domain) for part in parts]
                if all(r.understood for r in readings):
                    return Reading(kind, text, SPLIT, readings[0].term, parts=tuple(readings),
                                   hint=f"names {len(readings)} terms: each read and counted")
            inside = self._contained(kind, text)
            if inside is not None:
                return Reading(kind, text, CONTAINED, inside[0], similarity=inside[1], suggestions=suggestions,
                               matched=inside[2], hint=f"read from the words '{inside[2]}' in it, its head")
        if moves:
            for other in self._terms:
                if other != kind and other != "domain" and other in KIND_FIELDS:
                    found = self._lookup(other, text, variants=False)
                    if found is not None:
                        return Reading(other, text, MOVED, found.term,
                                       hint=f"a known {other.replace('_', ' ')}, not a {kind.replace('_', ' ')}: "
                                            f"read in '{KIND_FIELDS[other]}'")
        if fuzzy and suggestions:
            best, score, spelling = self._closest(kind, text, suggestions[0])
            if (score >= SPELLING.fuzzy_accept and len(normalise(text)) >= SPELLING.fuzzy_min_length
                    and _typo_of(text, spelling)):
                return Reading(kind, text, FUZZY, self._terms[kind][best], similarity=round(score / 100, 2),
                               suggestions=suggestions[1:], matched=spelling,
                               hint=f"spelt {score:.0f}% like '{spelling}'")
        return Reading(kind, text, UNKNOWN, suggestions=suggestions, hint=self._other_kind_hint(kind, text))

    def _contained(self, kind: str, text: str) -> tuple[Term, float, str] | None:
        """The longest known spelling of this kind inside `text` ('insurtech for pets', '第三方支付公司'),
        if it covers enough of it (Chinese: a share of the characters; English: of the words that carry
        meaning) and its head: the head word decides what a phrase names ('wallet addresses' are about
        wallets, not homes; 'young drivers' are drivers), so the piece must hold it (Chinese: end the
        phrase, generic words aside; English: the last word that carries meaning, before 'for', 'of'...),
        and what is left around it must not name something else (a term of another family: 'crypto'
        in 'crypto savings account'; or a narrowing word: 'subprime', '客户')."""
        key = normalise(text)
        # No piece longer than this kind's longest spelling (plus a generic suffix or word) can match: bounding
        # the pieces keeps a 200-character value at thousands of look-ups, not tens of thousands.
        longest_chars, longest_words = self._longest.get(kind, (0, 0))
        if _CJK.search(key):
            needed = SPELLING.contained_share_chinese
            shortest = max(2, math.ceil(needed * len(key)))     # a shorter piece covers too little
            end = head_end(key)
            pieces = [(key[i:j], i, (j - i) / len(key), key[:i]) for i in range(len(key))
                      for j in (end, len(key)) if shortest <= j - i <= longest_chars + _AFFIX_MARGIN
                      and (i, j) != (0, len(key))]
        else:
            needed = SPELLING.contained_share_words
            words = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", text).casefold()) if w]
            head = head_index(words)
            if head is None:
                return None
            meaningful = sum(1 for w in words if w not in SPELLING.stop_units) or 1
            shortest = max(1, math.ceil(needed * meaningful))   # fewer words cannot cover the share
            pieces = [(" ".join(words[i:j]), i, sum(w not in SPELLING.stop_units for w in words[i:j]) / meaningful,
                       " ".join(w for w in words[:i] + words[j:head + 1] if w not in SPELLING.stop_units))
                      for i in range(head + 1)
                      for j in range(max(head + 1, i + shortest), min(len(words), i + longest_words) + 1)
                      if (i, j) != (0, len(words))]
        best = None
        for piece, start, share, rest in pieces:
            if share < needed or piece in SPELLING.stop_units:
                continue
            found = self._lookup(kind, piece)
            if found is not None and not self.narrows(kind, found.term.code, rest):
                rank = (share, start)
                if best is None or rank > best[0]:
                    best = (rank, found.term, round(share, 2), piece)
        return None if best is None else best[1:]

    def narrows(self, kind: str, code: str, rest: str) -> bool:
        """Whether the words around a contained spelling change what it names: a narrowing word, or a
        known term of another kind or of another family of this kind."""
        if not rest:
            return False
        folded = normalise(rest)
        if any(w in folded for w in SPELLING.narrowing_cjk) or set(rest.split()) & SPELLING.narrowing_words:
            return True
        if kind not in KIND_FIELDS:      # a scalar's phrase ('ISO27001认证'): the words around it are detail
            return False
        for piece in {rest, *rest.split()}:
            for other in self._terms:
                if other not in KIND_FIELDS:
                    continue
                found = self._lookup(other, piece, variants=False)
                if found is not None and (other != kind or self.family(kind, found.term.code) != self.family(kind, code)):
                    return True
        return False

    def _lookup(self, kind: str, text: str, variants: bool = True) -> Reading | None:
        """Exact (or synonym, family, script) readings; with `variants`, spelling variants too."""
        key = normalise(text)
        index = self._index.get(kind, {})
        code = index.get(key)
        if code is None and (phrased := _phrases(key)) != key:
            code = index.get(phrased)
            if code is not None:
                return Reading(kind, text, CONVERTED, self._terms[kind][code])
        if code is not None:
            term = self._terms[kind][code]
            if _hidden(text):
                # Folding drops them so that a pasted term still reads, but a value that does not look
                # like what it matches is never an exact match: strict handling refuses it.
                return Reading(kind, text, VARIANT, term, hint="holds invisible characters (zero-width or "
                                                               "control), ignored to read it")
            if key != _normalise_spelling(text):
                how = CONVERTED
            elif self.is_family(kind, code):
                how = FAMILY
            elif key in (normalise(term.code), normalise(term.en), normalise(term.zh)):
                how = EXACT
            else:
                how = SYNONYM
            return Reading(kind, text, how, term)
        if not variants:
            return None
        loose_index = self._loose.get(kind, {})
        code = loose_index.get(loose(text))
        if code is not None:
            return Reading(kind, text, VARIANT, self._terms[kind][code])
        if (phrased := _phrases(key)) != key and (code := loose_index.get(loose(phrased))) is not None:
            return Reading(kind, text, CONVERTED, self._terms[kind][code])
        return None

    def _domain_scenario(self, domain: str, text: str) -> Term | None:
        """For a domain word typed as a scenario ('消费信贷' in a lending profile): the domain's service
        spelt (almost) the same, or None: a bare domain word ('insurance') names no one service."""
        key = normalise(text)
        best, score = None, 0.0
        for term in self.terms("scenario"):
            if term.domains[:1] == (domain,):
                alike = max(fuzz.ratio(key, normalise(s)) for s in term.spellings())
                if alike > score:
                    best, score = term, alike
        return best if score >= SPELLING.fuzzy_accept else None

    def _domain_services(self, domain: str) -> tuple[str, ...]:
        """The domain's umbrella services, offered when a bare domain word was typed as a scenario."""
        return tuple(t.code for t in self.terms("scenario")
                     if t.domains[:1] == (domain,) and self.is_family("scenario", t.code))[: SPELLING.max_suggestions]

    def _closest(self, kind: str, text: str, code: str) -> tuple[str, float, str]:
        """The code, how alike its closest spelling is to `text` (0-100), and that spelling."""
        key = normalise(text)
        score, spelling = max((fuzz.ratio(key, normalise(s)), s) for s in self._terms[kind][code].spellings())
        return code, score, spelling

    def suggest(self, kind: str, text: str, domain: str | None = None) -> tuple[str, ...]:
        """Up to three codes close in meaning first, spelling second. A candidate must share a telling
        word or Chinese character with `text` (weighted by how few terms use it: 'pay' or '险' tell
        little) or be spelt almost alike; the list stays in the best one's family, plus candidates as
        close that share a telling unit."""
        key = normalise(text)
        if not key:
            return ()
        index = self._index.get(kind, {})
        typed = units(text)
        rarity = self._rarity.get(kind, {})
        scored: dict[str, float] = {}
        telling: dict[str, float] = {}
        grams = self._grams.get(kind, {})
        choices = set().union(*(grams.get(g, ()) for g in _grams(key)))
        for choice, score, _ in process.extract(key, choices, scorer=fuzz.WRatio, limit=24,
                                                score_cutoff=SPELLING.suggest_cutoff):
            code = index[choice]
            shared = sum(rarity.get(u, 0.0) for u in typed & self._units[kind][code])
            if shared < SPELLING.telling_weight and fuzz.ratio(key, choice) < SPELLING.spelling_alike:
                continue
            term = self._terms[kind][code]
            score += SPELLING.shared_unit_bonus * shared
            if domain and domain in term.domains:
                score += SPELLING.same_domain_bonus
            if score > scored.get(code, 0.0):
                scored[code], telling[code] = score, shared
        ranked = sorted(scored, key=lambda c: (-scored[c], c))
        if not ranked:
            return ()
        best = ranked[0]
        family = self.family(kind, best)
        related = [c for c in ranked if self.family(kind, c) == family
                   or (scored[c] >= scored[best] - SPELLING.suggest_margin and telling[c] >= SPELLING.telling_weight)]
        return tuple(related[: SPELLING.max_suggestions])

    def _other_kind_hint(self, kind: str, text: str) -> str:
        others = [k for k in self._terms if k != kind and self._lookup(k, text) is not None]
        if not others:
            return ""
        fields = " or ".join(f"'{KIND_FIELDS[k]}'" for k in others if k in KIND_FIELDS)
        return f"It is a known term of {fields}: move it there." if fields else ""
