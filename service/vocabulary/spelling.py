"""Spelling conventions (spelling.yaml) checked by a schema when first imported, then applied."""

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, fields, validate

_FILE = Path(__file__).with_name("spelling.yaml")


class _SpellingSchema(Schema):
    class Meta:
        unknown = RAISE

    us_uk_endings = fields.Dict(fields.String(), fields.String(), required=True)
    plural_endings = fields.Dict(fields.String(), fields.String(), required=True)
    not_plural_endings = fields.List(fields.String(), required=True)
    min_plural_length = fields.Integer(required=True)
    zh_phrases = fields.Dict(fields.String(), fields.String(), required=True)
    part_separators = fields.List(fields.String(), required=True)
    flag_words = fields.Dict(fields.String(validate=validate.OneOf(["true", "false"])), fields.List(fields.String()),
                             required=True)
    flag_phrases = fields.Dict(fields.String(), fields.Dict(fields.String(validate=validate.OneOf(["true", "false"])),
                                                            fields.List(fields.String())), required=True)
    only_words = fields.List(fields.String(), required=True)
    joined_places = fields.List(fields.String(), required=True)
    contained_share_chinese = fields.Float(required=True)
    contained_share_words = fields.Float(required=True)
    suffixes = fields.List(fields.String(), required=True)
    head_neutral = fields.List(fields.String(), required=True)
    complement_words = fields.List(fields.String(), required=True)
    generic_heads = fields.List(fields.String(), required=True)
    narrowing_words = fields.List(fields.String(), required=True)
    narrowing_cjk = fields.List(fields.String(), required=True)
    zh_variants = fields.Dict(fields.String(), fields.String(), required=True)
    word_typo_ratio = fields.Float(required=True)
    joined_typo_ratio = fields.Float(required=True)
    prefixes = fields.List(fields.String(), required=True)
    stop_units = fields.List(fields.String(), required=True)
    fuzzy_accept = fields.Float(required=True)
    fuzzy_min_length = fields.Integer(required=True)
    suggest_cutoff = fields.Float(required=True)
    spelling_alike = fields.Float(required=True)
    shared_unit_bonus = fields.Float(required=True)
    telling_weight = fields.Float(required=True)
    suggest_margin = fields.Float(required=True)
    same_domain_bonus = fields.Float(required=True)
    max_suggestions = fields.Integer(required=True)


@dataclass(frozen=True)
class Spelling:
    us_uk_endings: dict
    plural_endings: dict
    not_plural_endings: list
    min_plural_length: int
    zh_phrases: dict
    part_separators: list
    flag_words: dict
    flag_phrases: dict
    only_words: list
    joined_places: list
    contained_share_chinese: float
    contained_share_words: float
    suffixes: list
    head_neutral: list
    complement_words: frozenset
    generic_heads: frozenset
    narrowing_words: frozenset
    narrowing_cjk: list
    zh_variants: dict
    word_typo_ratio: float
    joined_typo_ratio: float
    prefixes: list
    stop_units: frozenset
    fuzzy_accept: float
    fuzzy_min_length: int
    suggest_cutoff: float
    spelling_alike: float
    shared_unit_bonus: float
    telling_weight: float
    suggest_margin: float
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

    def parts(self, text: str) -> list[str]:
        """The pieces of a value that may name several terms, split on the listed separators."""
        pieces = [unicodedata.normalize("NFKC", text)]
        for separator in self.part_separators:
            pieces = [p for piece in pieces for p in piece.split(separator)]
        return [p.strip() for p in pieces if p.strip()]

    def flag(self, path: str, text: str) -> tuple[bool | None, str]:
        """A yes/no field written as words: (the value, which words decided it), or (None, '')."""
        folded = unicodedata.normalize("NFKC", text).casefold().strip()
        for value in ("true", "false"):
            if folded in self.flag_words[value]:
                return value == "true", folded
        phrases = self.flag_phrases.get(path, {})
        for value in ("false", "true"):
            for phrase in sorted(phrases.get(value, ()), key=len, reverse=True):
                if phrase in folded:
                    return value == "true", phrase
        if path == "compliance.cross_border":
            if any(w in folded.split() or (w in folded and not w.isascii()) for w in self.only_words):
                return False, "one place only"
            if any(j in folded for j in self.joined_places):
                return True, "more than one place"
        return None, ""

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
    for name in ("stop_units", "complement_words", "generic_heads", "narrowing_words"):
        data[name] = frozenset(data[name])
    return Spelling(**data)


SPELLING = _load()
