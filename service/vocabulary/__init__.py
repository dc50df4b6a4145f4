"""Bilingual vocabulary: maps what users write (codes, English, Chinese, synonyms) to codes."""

from service.vocabulary.terms import Reading, Term, Vocabulary, normalise
from service.vocabulary.profiles import Interpreted, lowered_coverage, normalise_profile
from service.vocabulary.extract import Match, TermFinder

__all__ = ["Interpreted", "Match", "Reading", "Term", "TermFinder", "Vocabulary", "lowered_coverage", "normalise",
           "normalise_profile"]
