"""Spelling conventions (spelling.yaml) checked by a schema when first imported, then applied."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, fields

_FILE = Path(__file__).with_name("spelling.yaml")


class _SpellingSchema(Schema):
    class Meta:
        unknown = RAISE

    us_uk_endings = fields.Dict(fields.String(), fields.String(), required=True)
    plural_endings = fields.Dict(fields.String(), fields.String(), required=True)
    not_plural_endings = fields.List(fields.String(), required=True)
    min_plural_length = fields.Integer(required=True)
    zh_phrases = fields.Dict(fields.String(), fields.String(), required=True)
    suffixes = fields.List(fields.String(), required=True)
    prefixes = fields.List(fields.String(), required=True)
    stop_units = fields.List(fields.String(), required=True)
    fuzzy_accept = fields.Float(required=True)
    fuzzy_min_length = fields.Integer(required=True)
    suggest_cutoff = fields.Float(required=True)
    spelling_alike = fields.Float(required=True)
    shared_unit_bonus = fields.Float(required=True)
    same_domain_bonus = fields.Float(required=True)
    max_suggestions = fields.Integer(required=True)


@dataclass(frozen=True)
class Spelling:
    us_uk_endings: dict
    plural_endings: dict
    not_plural_endings: list
    min_plural_length: int
    zh_phrases: dict
    suffixes: list
    prefixes: list
    stop_units: frozenset
    fuzzy_accept: float
    fuzzy_min_length: int
    suggest_cutoff: float
    spelling_alike: float
    shared_unit_bonus: float
    same_domain_bonus: float
    max_suggestions: int

    def word(self, word: str) -> str:
        """One English word singular and in UK spelling ('licenses' -> 'licence'); others unchanged."""
        if not word.isascii() or not word.isalpha():
            return word
        if len(word) > self.min_plural_length and not word.endswith(tuple(self.not_plural_endings)):
            for ending, singular in self._plural:
                if word.endswith(ending):
                    word = word[: -len(ending)] + singular
                    break
        for ending, uk in self._us_uk:
            if word.endswith(ending) and not word.endswith(uk):
                return word[: -len(ending)] + uk
        return word

    def strip_affixes(self, key: str) -> str:
        """The key without one generic suffix or prefix, if anything is left of it."""
        for suffix in self._suffixes:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
        for prefix in self.prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                return key[len(prefix):]
        return key

    def zh_words(self, key: str) -> str:
        """Taiwan/Hong Kong wording in mainland usage, longest phrase first."""
        for phrase, mainland in self._zh:
            if phrase in key:
                key = key.replace(phrase, mainland)
        return key

    def __post_init__(self):
        longest = lambda pairs: sorted(pairs, key=lambda p: -len(p[0]))  # noqa: E731
        object.__setattr__(self, "_plural", longest(self.plural_endings.items()))
        object.__setattr__(self, "_us_uk", longest(self.us_uk_endings.items()))
        object.__setattr__(self, "_suffixes", sorted(self.suffixes, key=len, reverse=True))
        object.__setattr__(self, "_zh", longest((k, v) for k, v in self.zh_phrases.items() if k != v))


def _load() -> Spelling:
    data = _SpellingSchema().load(yaml.safe_load(_FILE.read_text(encoding="utf-8")))
    data["stop_units"] = frozenset(data["stop_units"])
    return Spelling(**data)


SPELLING = _load()
