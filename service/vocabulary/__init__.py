"""Bilingual vocabulary: maps what users write (codes, English, Chinese, synonyms) to codes."""

from service.vocabulary.terms import Reading, Term, Vocabulary, normalise
from service.vocabulary.profiles import Interpreted, normalise_profile, understood_share
from service.vocabulary.extract import Match, TermFinder

__all__ = ["Interpreted", "Match", "Reading", "Term", "TermFinder", "Vocabulary", "normalise", "normalise_profile",
           "understood_share"]
