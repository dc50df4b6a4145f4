"""Term look-up that forgives case, width and separators, and suggests on a miss."""

import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType

from rapidfuzz import fuzz, process

from service.errors import UnknownTerm
from service.profile import KIND_FIELDS

# Separators users put between words in either language; they never change a term's meaning.
_SEPARATORS = re.compile(r"[\s\-_/+·・、,，.。&()（）\[\]【】'\"“”‘’:：;；|]+")
_SUGGESTION_CUTOFF = 60
_MAX_SUGGESTIONS = 3


def normalise(text: str) -> str:
    """Fold width (NFKC), case and separators so 'AI-Risk Control' == 'ａｉ风控'-style variants match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFKC", _SEPARATORS.sub("", folded))


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

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def spellings(self) -> tuple[str, ...]:
        return (self.code, self.en, self.zh, *self.synonyms)


class Vocabulary:
    """All terms by kind, with a normalised-spelling index per kind."""

    def __init__(self, terms):
        self._terms: dict[str, dict[str, Term]] = {}
        self._index: dict[str, dict[str, str]] = {}
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
        if conflicts:
            raise ValueError("; ".join(conflicts))
        self._choices = {kind: list(index) for kind, index in self._index.items()}

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

    def resolve(self, kind: str, text: str) -> Term:
        """The term a user's spelling means, or UnknownTerm with the closest spellings."""
        code = self._index.get(kind, {}).get(normalise(text))
        if code is not None:
            return self._terms[kind][code]
        raise UnknownTerm(kind, text, self.suggest(kind, text), self._other_kind_hint(kind, text))

    def suggest(self, kind: str, text: str) -> tuple[str, ...]:
        """Up to three canonical codes whose spellings are closest to `text`."""
        key = normalise(text)
        if not key:
            return ()
        index = self._index.get(kind, {})
        found: list[str] = []
        for choice, _score, _ in process.extract(
            key, self._choices.get(kind, []), scorer=fuzz.WRatio, limit=12, score_cutoff=_SUGGESTION_CUTOFF
        ):
            code = index[choice]
            if code not in found:
                found.append(code)
            if len(found) == _MAX_SUGGESTIONS:
                break
        return tuple(found)

    def _other_kind_hint(self, kind: str, text: str) -> str:
        key = normalise(text)
        others = [k for k, index in self._index.items() if k != kind and key in index]
        if not others:
            return ""
        fields = " or ".join(f"'{KIND_FIELDS[k]}'" for k in others if k in KIND_FIELDS)
        return f"It is a known term of {fields}: move it there." if fields else ""
