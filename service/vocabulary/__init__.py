"""Bilingual vocabulary: maps what users write (codes, English, Chinese, synonyms) to codes."""

from service.vocabulary.terms import Term, Vocabulary, normalise
from service.vocabulary.profiles import normalise_profile
from service.vocabulary.extract import Match, TermFinder

__all__ = ["Match", "Term", "TermFinder", "Vocabulary", "normalise", "normalise_profile"]
