"""Language tags: the one reading of a BCP 47 tag every module makes.

A document's ``language`` is a BCP 47 tag (``en``, ``en-GB``, ``zh-Hant``, ``lzh``); what
decides its rules is the primary subtag. A document whose language is not recorded has no
subtag, and whether two documents are in one language is then unknown (None): each caller
says what that means for it, at the call.
"""
from __future__ import annotations

__all__ = ["primary_subtag", "same_language"]


def primary_subtag(tag: str | None) -> str | None:
    """The primary language subtag, lower case (``en-GB``, ``en_GB``, `` EN `` → ``en``); None for no tag."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower() or None


def same_language(left: str | None, right: str | None) -> bool | None:
    """Whether two tags name one language (``en-GB`` and ``en-US`` do); None when either is not known."""
    a, b = primary_subtag(left), primary_subtag(right)
    return None if a is None or b is None else a == b
