"""Accents: the one rule for taking them off a word.

Compatibility decomposition (NFKD), then every combining mark dropped: ``perché`` →
``perche``, ``Togliatti`` written with a combining mark → ``Togliatti``, the ligature ``ﬁ``
→ ``fi``. Case is left as it is (callers fold it first or after, as they need). Scripts
whose letters carry no combining marks are unchanged. (Full-text search folds by SQLite's
own rule instead, Latin letters only: ``_index_form`` in :mod:`synopsis.languages.search`.)
"""
from __future__ import annotations

import unicodedata

__all__ = ["strip_accents"]


def strip_accents(text: str) -> str:
    """``text`` without accents (see the module docstring); ASCII text is returned as it is."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
