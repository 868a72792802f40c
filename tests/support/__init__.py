"""Helpers for the tests and benchmarks only (cases written for the tests, generated editions
and revisions, the vendored real texts, hand judgements). They read files of the checkout
(``documents/``, ``benchmarks/realtexts/``), so they live beside the tests and never reach the
wheel: ``import tests.support.cases`` from the repository's root (pytest puts it on the path;
the benchmarks insert it)."""
