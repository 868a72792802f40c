"""Sentence alignment of two versions of one text, within and across languages.

Editions and translations cut paragraphs differently, so :func:`align_sentences` aligns
their *sentences* and :func:`align_version_pair` derives paragraph links from the result:
two paragraphs are aligned when an aligned sentence pair joins them (many to many).

The dynamic programme
    A monotone path through the grid of (left sentences used, right sentences used) made of
    *beads*: 1-1, 1-2, 2-1, 1-3, 3-1, 1-4, 4-1, 2-2, 2-3, 3-2 (sentences translated,
    split or merged) and 1-0, 0-1 (a sentence with no counterpart). The path maximises the
    sum of bead scores, each a log-likelihood in nats, as in Gale & Church (1993):

    ``score = log P(shape) + lexical evidence + length evidence``

    * ``log P(shape)``: the prior of the bead's shape. It starts from Gale and Church's
      measured frequencies (1-1 0.89, 1-0 + 0-1 0.0099, 2-1 + 1-2 0.089, 2-2 0.011) with a
      small tail for the larger shapes they did not count, and is re-estimated from the
      first pass over the pair (Dirichlet-smoothed, ``prior_strength`` beads' worth of the
      defaults, so a short text keeps them). A gap costs about 5 nats.
    * length evidence: ``δ = (ℓ_right − ℓ_left) / sqrt(s² (ℓ_left + ℓ_right) / 2)`` with
      lengths in non-space characters, each side scaled so that the two documents have
      the same total (the mean length ratio, estimated from the pair), scored as the log
      of a normal density relative to δ = 0. ``s²`` starts at Gale and Church's 6.8 and
      is re-estimated from the first pass (robustly, from the median absolute deviation of
      the 1-1 beads), mixed with a broader normal for the share of beads the first pass
      found far off it (a clause added or cut inside a sentence): a lengthened sentence
      stays a pair instead of becoming two gaps.
    * lexical evidence: the cosine of the two sides' token vectors (binary, weighted by
      inverse document frequency within the pair), turned into a log-likelihood ratio
      "translation" against "unrelated" (:meth:`_Model.lexical`). Both distributions are
      fitted to the pair itself: random sentence pairs far apart give the unrelated one,
      each sentence's best partner near the path (pass A) or the 1-1 beads of pass A
      (pass B) the translated one. Both are zero-inflated (across languages half of the
      true pairs share no token at all, and that must cost little) with heavy tails
      (chance sharing of a rare word; rewording). So the same code weighs a revision's
      near-identical wording heavily and a translation's few shared names lightly, with
      no constant tuned to a language. Every member of a merged bead must be explained:
      a member no more related to the other side than chance judges the whole bead.
    * gaps only where text is absent: translations are mixed with a share ε of pairs
      reworded past recognition, and ε is set per shape so that a bead whose sides share
      nothing is exactly as likely as its sentences dropped and added, less :data:`TIE`
      (:func:`_indifference`): unrelated sentences are gaps, a reworded pair with any
      shared evidence or matching lengths stays a pair.
    * runs of gaps: text one version lacks comes in runs (a paragraph, a chapter, OCR'd
      captions), so a gap that follows a gap of its kind costs the pair's own chance of a
      gap after a gap (counted on the first pass, from :data:`RUN`) instead of a whole
      opening: affine gaps, as in Gotoh's alignment of sequences (:func:`banded_dp`'s
      ``runs``); a run's opening counts towards the gap's prior, its further gaps towards
      that chance.

    Tokens: when both documents share a language, words folded to lower case and
    stemmed with that language's Snowball stemmer (no stemmer for an unknown language,
    never English's). Across languages, what survives translation: numbers, cognates
    (accent-folded four-letter prefixes of words of four letters or more, Simard et al.
    1992), capitalised words (names) counted again, quotation and question marks. Each
    CJK ideograph is its own token. Tokens found in more than :data:`MAX_DF` of the
    pair's sentences carry almost no weight and are left out. Across languages the pair
    also teaches its own dictionary: after a first alignment, each token found on one side
    only is paired with the other side's token it co-occurs with most significantly over
    the beads (Dunning's G², :func:`_learned_lexicon`; Moore 2002's second pass), and the
    whole alignment runs again with those pairs as shared tokens. Between scripts that
    share nothing (French and classical Chinese) this is where almost all lexical
    evidence comes from (Mark in English and Wenli: 餅 ~ "loaves", 石 ~ "stone", 門 ~ "disciples").
    Before any pair is learned, two more sources (:mod:`.tokens`, :mod:`.dictionary`):
    when a side is not written in Latin letters, names transliterated and reduced to their
    consonants (Авраамъ ~ Abraham: ``brm``) and runs of ideographs read as pinyin (陈清扬 ~
    Chen Qingyang), kept where both sides have them; and between Chinese and English the
    glosses of CC-CEDICT.

Pruning (coarse to fine)
    1. Headings as anchors: when both documents have the same number of headings (and
       the text between them is of similar proportion), heading *k* is aligned with heading
       *k* and the path is pinned there; no bead crosses a heading.
    2. Rare-token anchors: sentence pairs sharing tokens rare on both sides, chained
       monotonically by weight (Moore 2002; Bertalign's first pass), pin the path
       approximately; between anchors the expected position is interpolated by
       cumulative length.
    3. Pass A: the full-bead programme in a band around that interpolation. Where the
       anchors are too few for a narrow band (its cells would grow with length times
       length), the same programme first aligns blocks of eight sentences, and pass A
       searches the sentences in a narrow band around the blocks' path.
    4. Pass B: the model re-estimated from pass A, and the programme again in a narrow
       band around pass A's path. A path that touches its band's edge is searched again
       in a band twice as wide.
    5. Across languages, with the translation pairs learned from that path: passes A and
       B again, pass A in a band four times as wide around the first path.
    6. Last, each gap of the path is tried in the bead beside it: the second half of a
       sentence one version split shares no word with the other side often enough that the
       re-estimated gap prior keeps it a gap; it joins the bead when the merged bead
       outscores the bead and a gap at Gale and Church's rate and its lengths fit about as
       well (:data:`ABSORB_FIT`).
    Cost and memory are linear in the number of sentences times the band width, which
    the block pass keeps to a few dozen cells a row; the programme runs one vectorised
    step per left sentence.
"""
from __future__ import annotations

from .align import align_sentences
from .parameters import BEADS, METHOD, SentenceAlignParameters, SentenceBead, _same_language, stemmer_name
from .paragraphs import PairAlignment, ParagraphIn, SentenceIn, align_version_pair
from .programme import Band, banded_dp
from .tokens import _tokens

# the two private helpers other link modules read (synopsis.link.regions, synopsis.link.family)
_PRIVATE_REEXPORTS = (_same_language, _tokens)

__all__ = [
    "BEADS", "Band", "SentenceBead", "SentenceAlignParameters", "align_sentences", "banded_dp", "stemmer_name",
    "ParagraphIn", "SentenceIn", "PairAlignment", "align_version_pair", "METHOD",
]
