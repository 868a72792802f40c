"""Whether a ``language`` field is a language tag, and the nearest codes when it is not.

A tag is BCP 47 in the shape documents use: a primary language subtag from ISO 639 as the
IANA registry writes it (the two-letter ISO 639-1 code where there is one, ``it``, not
``ita``; else the ISO 639-3 code, ``lzh``), then optional script (``Hant``), region
(``US``, ``419``) and variant subtags, or a private-use tag (``x-...``). The codes are
the package data file ``data/iso639.tsv`` (from ISO 639-3, via Debian's iso-codes).
"""
from __future__ import annotations

import difflib
import functools
import re
from importlib import resources

from synopsis.languages.tags import primary_subtag

_SUBTAGS = re.compile(r"^(?:[A-Za-z]{4}|[A-Za-z]{2}|\d{3}|[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3})$")


@functools.cache
def language_codes() -> dict[str, tuple[str, str]]:
    """Every primary language subtag: ``{code: (ISO 639-3 code, English name)}``."""
    codes: dict[str, tuple[str, str]] = {}
    text = (resources.files("synopsis.languages") / "data" / "iso639.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, alpha3, name = line.split("\t")
            codes[code] = (alpha3, name)
    return codes


def is_language_tag(tag: str) -> bool:
    """True for ``en``, ``en-US``, ``zh-Hant-TW``, ``lzh``, ``und``, ``x-private``; False for ``italiano``, ``eng``."""
    parts = tag.split("-")
    if parts[0].lower() == "x":
        return len(parts) > 1 and all(re.fullmatch(r"[A-Za-z0-9]{1,8}", p) for p in parts[1:])
    primary = parts[0].lower()
    if primary not in language_codes() and not re.fullmatch(r"q[a-t][a-z]", primary):  # qaa-qtz: local use
        return False
    return all(_SUBTAGS.match(p) for p in parts[1:])


def nearest_codes(wrong: str, n: int = 3) -> list[str]:
    """The codes nearest to ``wrong``, each as ``code (Name)``: by its ISO 639-3 code
    (``ita`` is ``it``), by a language's name (``Italian`` for ``italiano``), by spelling."""
    codes = language_codes()
    word = primary_subtag(wrong) or ""
    found: list[str] = []
    by_alpha3 = [code for code, (alpha3, _name) in codes.items() if alpha3 == word and code != word]
    found += by_alpha3
    names = {name.lower(): code for code, (_alpha3, name) in codes.items()}
    found += [names[name] for name in difflib.get_close_matches(word, list(names), n=n, cutoff=0.7)]
    found += difflib.get_close_matches(word, list(codes), n=n, cutoff=0.6)
    unique = list(dict.fromkeys(c for c in found if c != word))[:n]
    return [f"{code} ({codes[code][1]})" for code in unique]


def language_problem(tag: str) -> str | None:
    """None for a valid tag; else what is wrong with it, in words, with the nearest codes."""
    if is_language_tag(tag):
        return None
    near = nearest_codes(tag)
    if "_" in tag and is_language_tag(tag.replace("_", "-")):
        near = [tag.replace("_", "-")]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return f"'{tag}' is not a language code (BCP 47: ISO 639 code, e.g. en, it, zh-Hant){hint}"
