"""What a corpus knows across languages: its own lexicon, and the translators'.

* :mod:`~synopsis.lexicon.corpus` — the corpus lexicon beside ``documents/`` (``lexicon.toml``:
  names in every script, terms in every language), read by the build;
* :mod:`~synopsis.lexicon.learned` — word pairs learned from two aligned versions in two languages;
* :mod:`~synopsis.lexicon.dictionaries` — bilingual dictionaries shipped as package data;
* :mod:`~synopsis.lexicon.store` — the listed rows of the ``lexicon`` table;
* :mod:`~synopsis.lexicon.correspondences`, :mod:`~synopsis.lexicon.candidates` — the bilingual
  word correspondences and candidate pairs of cross-references across languages;
* :mod:`~synopsis.lexicon.search` — search across scripts and, on request, through translations.
"""
