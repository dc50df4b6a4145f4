"""Bilingual vocabulary: maps what users write (codes, English, Chinese, synonyms) to codes."""

from service.vocabulary.terms import Term, Vocabulary, normalise
from service.vocabulary.profiles import normalise_profile

__all__ = ["Term", "Vocabulary", "normalise", "normalise_profile"]
