"""Finds vocabulary terms in free text (Chinese, English or both) with an n-gram matcher: no model,
no download. English spellings match whole words only ("ai" never matches inside "email"); spellings
with Chinese characters match anywhere in the normalised text; a match inside a longer one is dropped."""

import re
import unicodedata
from dataclasses import dataclass

from service.profile import KIND_FIELDS
from service.vocabulary.terms import Vocabulary, normalise

_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MAX_WORDS = 5


@dataclass(frozen=True)
class Match:
    kind: str
    code: str
    phrase: str          # the text as the user wrote it
    start: int
    field: str
    label_en: str
    label_zh: str


class TermFinder:
    """Built once per vocabulary: English spellings by normalised n-gram, Chinese ones in one regex."""

    def __init__(self, vocabulary: Vocabulary):
        self._latin: dict[str, list[tuple[str, str]]] = {}
        chinese: dict[str, list[tuple[str, str]]] = {}
        for kind in vocabulary.kinds:
            for term in vocabulary.terms(kind):
                for spelling in term.spellings():
                    key = normalise(spelling)
                    target = chinese if _CJK.search(key) else self._latin
                    if key and (kind, term.code) not in target.setdefault(key, []):
                        target[key].append((kind, term.code))
        self._chinese = chinese
        self._labels = {(k, t.code): (t.en, t.zh) for k in vocabulary.kinds for t in vocabulary.terms(k)}
        self._pattern = re.compile("|".join(re.escape(k) for k in sorted(chinese, key=len, reverse=True)))

    def find(self, text: str) -> list[Match]:
        """Every term mentioned in `text`, in order of appearance, each kind and code once."""
        folded, origin = _fold(text)
        spans = []
        for hit in self._pattern.finditer(folded):
            start, end = origin[hit.start()], origin[hit.end() - 1] + 1
            spans += [(start, end, kind, code) for kind, code in self._chinese[hit.group()]]
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(_spaced(text))]
        for i in range(len(words)):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                key = normalise("".join(w[2] for w in words[i:i + n]))
                spans += [(words[i][0], words[i + n - 1][1], kind, code) for kind, code in self._latin.get(key, ())]
        return [Match(kind, code, phrase, start, KIND_FIELDS[kind], *self._labels[kind, code])
                for kind, code, phrase, start in _outermost(spans, text)]


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
    """Drops matches inside a longer one; keeps each kind and code once, in order of appearance."""
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept = [s for s in spans
            if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
    seen, found = set(), []
    for start, end, kind, code in kept:
        if (kind, code) not in seen:
            seen.add((kind, code))
            found.append((kind, code, text[start:end], start))
    return found
