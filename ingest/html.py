"""Reading HTML: from a page as received to its text and the blocks that make it up.

:func:`extract` turns the bytes of a web page into the page's text (its blocks separated
by a blank line) and a list of :class:`HtmlBlock` saying what each block is (body,
heading and its level, quotation, list item, footnote and its label), where its italics
and footnote calls are, and where in the HTML it came from; plus the page's source and
transcription notes, which are metadata about the witness, not part of it.

The structure travels beside the text, never inside it: there is no intermediate Markdown
for the cleaner to parse again, so "2 *x* 3", a literal "[^1]", a paragraph that opens
with "# " or with the dialogue dash "- " all stay what the page says, and every offset
slices the page's text.

Three steps, each with its own function:

1. **Decode** (:func:`~synopsis.ingest.encoding.decode_html`): the byte-order mark, then the charset of the HTTP
   header, then the page's own ``<meta>`` declaration (the order HTML5 gives them), then
   detection with charset-normalizer. ``iso-8859-1`` and ``us-ascii`` are read as
   windows-1252, as browsers do: old pages that declare Latin-1 routinely hold curly quotes
   and dashes in the 0x80–0x9F range.
2. **Find the text**: for the pages this corpus draws from, site rules
   (:data:`SITE_RULES`), because the general extractor falls short on exactly what matters
   here. trafilatura drops footnote markers and definitions (or leaves the definitions as
   body paragraphs), keeps the Marxists Internet Archive's ``p.information`` source block as
   if it were text, and may discard short paragraphs it scores as boilerplate; a scholarly
   edition cannot lose a one-line paragraph. For any other page, trafilatura (maintained,
   well tested on the open web) finds the main text, and its XML output keeps headings,
   quotations and lists.
3. **Repair** with ftfy: mojibake (``Ã©`` → ``é``), C1 control characters that stand for
   windows-1252 punctuation. Quotes are *not* straightened: curly quotes are the text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ftfy
import lxml.etree
import lxml.html

from synopsis.ingest.encoding import decode_html

log = logging.getLogger(__name__)

_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,  # lxml has decoded entities already; "&amp;" left now is text
    uncurl_quotes=False,  # typographic quotes belong to the witness
    fix_latin_ligatures=False,
    fix_character_width=False,  # full-width forms are meaningful in CJK text
    explain=False,
)


@dataclass(slots=True)
class HtmlText:
    """What :func:`extract` found in a page."""

    text: str  # the page's text: its blocks, separated by a blank line, with no markup
    blocks: list[HtmlBlock] = field(default_factory=list)  # what each block is, in offsets of ``text``
    notes: list[str] = field(default_factory=list)  # source/transcription notes, removed from the body
    title: str | None = None
    encoding: str = "utf-8"  # the encoding the page was read in
    site: str = "generic"  # which rules found the text: marxists.org, wordpress, generic
    footnotes: int = 0  # how many footnote definitions were found


# --------------------------------------------------------------------------- site rules

_ALWAYS_DROP = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "form", "button", "select", "input", "textarea", "nav", "header", "footer", "aside", "menu",
    "img", "picture", "video", "audio", "map", "link", "meta",
)
"""Elements that never hold the text of a document."""

_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")

# The Marxists Internet Archive's page conventions (its style sheet names them):
#   p.information / span.info   the source block: Written, Source, Translated, Transcription...
#   p.toplink, p.link, p.updat   links to the archive's sections; "last updated"
#   p.footer, span.footer        the navigation line at the foot of the page
#   hr.infotop / infobot / end   rules framing the information block and ending the text
#   h5, h6                       the archive's running header ("Sino-Soviet Split Document Archive")
#   sup.anote / sup.enote / span.note   footnote calls; p.endnote / p.fst   footnote texts
_MARXISTS_NOTES = ("information",)
_MARXISTS_DROP_CLASSES = ("toplink", "link", "updat", "footer", "index", "toc", "breadcrumbs", "nav")
_MARXISTS_DROP_TAGS = ("h5", "h6", "hr")

# WordPress themes put the article body in one of these; everything around it (menus,
# sidebars, share buttons, related posts, comments) is the theme's.
_WORDPRESS_ROOTS = (
    "div.entry-content", "div.td-post-content", "div.post-content", "div.article-content",
    "article div.entry", "div.single-content",
)
_WORDPRESS_DROP = re.compile(
    r"(^|[\s_-])(share|sharing|sharedaddy|social|related|jp-relatedposts|addtoany|post-tags|tags-links|"
    r"wp-caption|navigation|nav-links|comments?|author-box|subscribe|newsletter|ads?|advert|banner|widget|"
    r"wp-block-buttons|wp-block-image|wp-block-embed|breadcrumbs?)($|[\s_-])",
    re.I,
)


@dataclass(frozen=True, slots=True)
class SiteRule:
    """How to find the text on one site's pages."""

    name: str
    hosts: tuple[str, ...]  # URL hosts (or their parents) the rule is for
    markers: tuple[str, ...]  # CSS selectors that identify the site's pages without a URL


SITE_RULES = (
    SiteRule("marxists.org", ("marxists.org",), ("p.information", "hr.infotop", "span.info", "p.toplink")),
    SiteRule("wordpress", ("marx21.it",), _WORDPRESS_ROOTS),
)


def _site_of(tree: lxml.html.HtmlElement, url: str | None) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    for rule in SITE_RULES:
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule.name
    for rule in SITE_RULES:
        if any(_select(tree, selector) for selector in rule.markers):
            return rule.name
    return "generic"


def _select(tree, selector: str) -> list:
    """Elements matching a small CSS subset (``tag.class``, descendant by space), via XPath.

    lxml's ``cssselect`` needs the cssselect package; these rules need only this much.
    """
    path = "."
    for step in selector.split():
        tag, _, cls = step.partition(".")
        cond = f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]" if cls else ""
        path += f"//{tag or '*'}{cond}"
    return tree.xpath(path)


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _drop(el) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    if el.getparent() is not None:
        el.drop_tree()


def _remove_boilerplate(root) -> None:
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter(*_ALWAYS_DROP)):
        _drop(el)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.get("role") in _DROP_ROLES:
            _drop(el)


def _info_lines(el) -> list[str]:
    """The lines of a source-information block (``<br>`` separates them)."""
    lines: list[list[Token]] = [[]]
    for token in _inline(el):
        if token[0] == "br":
            lines.append([])
        else:
            lines[-1].append(token)
    return [text for line in lines if (text := _layout(line).text)]


def _marxists_root(tree, notes: list[str]):
    body = tree.find("body")
    root = body if body is not None else tree
    for el in list(root.iter("p", "div", "span")):
        if _classes(el) & set(_MARXISTS_NOTES) and el.getparent() is not None:
            notes.extend(_info_lines(el))
            _drop(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in _MARXISTS_DROP_TAGS or _classes(el) & set(_MARXISTS_DROP_CLASSES):
            if el.tag in ("h5", "h6"):
                notes.append(_squash(el.text_content()))
            _drop(el)
    return root


def _wordpress_root(tree, notes: list[str]):
    root = None
    for selector in _WORDPRESS_ROOTS:
        found = _select(tree, selector)
        if found:
            root = max(found, key=lambda el: len(el.text_content()))
            break
    if root is None:
        return None
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and _WORDPRESS_DROP.search(el.get("class") or ""):
            _drop(el)
    for el in list(root.iter("figure")):
        _drop(el)
    # A paragraph that is nothing but a link ("CONTINUA A LEGGERE", "Read more", a source
    # link) is navigation: keep where it points as a note, not as a paragraph of the text.
    for p in list(root.iter("p", "div")):
        links = p.findall(".//a")
        text = _squash(p.text_content())
        if links and text and text == _squash(" ".join(a.text_content() for a in links)) and len(text) < 120:
            notes.append(f"link: {text} <{links[0].get('href', '')}>")
            _drop(p)
    return root


# --------------------------------------------------------------------------- footnotes

_MARKER = re.compile(r"^[\[(]?\s*([0-9]{1,3}|[a-z]|[ivxlc]{1,6}|\*{1,3}|[†‡§])\s*[.)\]]?$", re.I)
_NOTE_HEADING = re.compile(r"^(notes?|footnotes|endnotes|notes and references|references|note del traduttore|note)$", re.I)
_BACKLINK = re.compile(r"^(\[?\s*(back|return|top|↩|↑|\^)\s*\]?|↩︎)$", re.I)
_CALL_CLASSES = {"anote", "enote", "note", "fn", "footnote-ref", "footnote_ref", "ftn", "noteref"}
_DEF_CLASSES = {"endnote", "fst", "footnote", "fnote", "note-text"}
_BLOCKS_FOR_DEF = ("p", "li", "dd", "div", "td", "blockquote")


def _label(text: str) -> str | None:
    match = _MARKER.match(_squash(text))
    return match.group(1) if match else None


def _find_footnotes(root) -> list[tuple[str, object]]:
    """Find footnote calls and definitions; replace calls by ``<fncall>`` placeholders.

    A call is a link to an anchor later in the page, set as a superscript or in one of the
    footnote classes, whose text is a marker ("1", "[1]", "*"). Its definition is the block
    around that anchor. Returns ``(label, definition block)`` in call order; the blocks are
    detached from the body.
    """
    order = {el: i for i, el in enumerate(root.iter())}
    anchors: dict[str, object] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key in (el.get("id"), el.get("name") if el.tag == "a" else None):
            if key and key not in anchors:
                anchors[key] = el
    definitions: dict[int, tuple[str, object]] = {}
    by_block: dict[object, str] = {}
    used: set[str] = set()
    sequence = 0
    for a in list(root.iter("a")):
        href = a.get("href") or ""
        if not href.startswith("#") or a.getparent() is None:
            continue
        target = anchors.get(href[1:])
        if target is None or order.get(target, -1) <= order.get(a, 0):
            continue
        wrapper = a
        parent = a.getparent()
        if parent is not None and (parent.tag == "sup" or _classes(parent) & _CALL_CLASSES) and _squash(parent.text_content()) == _squash(a.text_content()):
            wrapper = parent
        marked = wrapper.tag == "sup" or a.find("sup") is not None or bool(_classes(wrapper) & _CALL_CLASSES) or bool(_classes(a) & _CALL_CLASSES)
        label = _label(a.text_content())
        if not marked or label is None:
            continue
        block = _definition_block(target, root)
        if block is None or _contains(block, a):
            continue
        if block in by_block:
            key = by_block[block]
        else:
            sequence += 1
            key = label if label.isalnum() and label not in used else str(sequence)
            while key in used:
                key = f"{key}x"
            used.add(key)
            by_block[block] = key
            definitions[len(definitions)] = (key, block)
        _replace_with_call(wrapper, key)
    result = list(definitions.values())
    if not result:
        result = _unlinked_footnotes(root)
    for _key, block in result:
        _clean_definition(block)
        block.set(_ORIGIN, _origin(block))  # where it stood, before it leaves the tree
        _drop(block)
    if result:
        for h in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p")):
            if _NOTE_HEADING.match(_squash(h.text_content()).rstrip(":")) and h.getparent() is not None:
                _drop(h)
    return result


def _unlinked_footnotes(root) -> list[tuple[str, object]]:
    """Footnotes whose calls do not link to them: matched by the printed marker.

    Some transcriptions mark a call with ``<sup class="anote">[1]</sup>`` and start the note
    (``<p class="endnote">``) with "[1]" or "1.", with no anchors between them.
    """
    definitions: dict[str, object] = {}
    for el in root.iter("p", "div", "li"):
        if _classes(el) & _DEF_CLASSES:
            match = re.match(r"^\s*[\[(]?\s*([0-9]{1,3}|\*{1,3})\s*[.)\]]", el.text_content())
            if match and match.group(1) not in definitions:
                definitions[match.group(1)] = el
    found: list[tuple[str, object]] = []
    for el in list(root.iter("sup", "span", "a")):
        if el.getparent() is None or not (_classes(el) & _CALL_CLASSES or (el.tag == "sup" and el.find("a") is None)):
            continue
        label = _label(el.text_content())
        block = definitions.get(label or "")
        if block is None or _contains(block, el) or not _squash(el.text_content()).startswith(("[", "(")) and el.tag != "sup":
            continue
        key = label if label.isalnum() else str(len(found) + 1)
        if all(k != key for k, _b in found):
            found.append((key, block))
        _replace_with_call(el, key)
    for key, block in found:
        first = block.text or ""
        block.text = re.sub(r"^\s*[\[(]?\s*" + re.escape(key) + r"\s*[.)\]]\s*", "", first, count=1)
    return found


def _contains(block, el) -> bool:
    return any(x is el for x in block.iter())


def _definition_block(target, root):
    el = target
    while el is not None and el is not root:
        if el.tag in _BLOCKS_FOR_DEF and _squash(el.text_content()):
            if el.tag == "div" and len(el.findall(".//p")) > 1:
                return None  # a whole section, not a note
            return el
        el = el.getparent()
    return None


def _replace_with_call(el, key: str) -> None:
    call = lxml.html.Element("fncall")
    call.set("label", key)
    call.tail = el.tail
    el.getparent().replace(el, call)


def _clean_definition(block) -> None:
    """Take the marker and the back-links out of a footnote's text."""
    for a in list(block.iter("a")):
        text = _squash(a.text_content())
        if (a.get("href") or "").startswith("#") and (_label(text) or _BACKLINK.match(text) or not text):
            _drop(a)
        elif a.get("name") and _label(text):
            _drop(a)
    for sup in list(block.iter("sup")):
        if _label(sup.text_content()):
            _drop(sup)
            break


# --------------------------------------------------------------------------- text layer

_INLINE_ITALIC = ("em", "i", "cite", "var", "dfn")
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "pre", "section", "article", "main", "center",
    "address", "figure", "figcaption", "hr", "body", "html", "details", "summary", "caption",
}

# An inline run is a list of tokens: ("text", str), ("br", None), ("open", None) and
# ("close", None) around italics, ("call", label) for a footnote call. Structure travels
# beside the text, never inside it, so no character of the page can be mistaken for markup.
Token = tuple[str, "str | None"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _inline(el) -> list[Token]:
    """An element's inline content as tokens: its text, italics, line breaks, footnote calls."""
    tokens: list[Token] = [("text", el.text or "")]
    for child in el:
        tokens.extend(_render_child(child))
        tokens.append(("text", child.tail or ""))
    return tokens


def _render_child(child) -> list[Token]:
    """One inline element (without its tail)."""
    if not isinstance(child.tag, str):
        return []
    if child.tag == "br":
        return [("br", None)]
    if child.tag == "fncall":
        return [("call", child.get("label"))]
    inner = _inline(child)
    if child.tag in _INLINE_ITALIC:
        return [("open", None), *inner, ("close", None)]
    return inner


@dataclass(slots=True)
class _Run:
    """A block's text laid out from tokens: one space for any white space, none at the edges."""

    text: str
    italics: list[tuple[int, int]]
    calls: list[tuple[str, int]]


def _layout(tokens: list[Token]) -> _Run:
    out: list[str] = []
    length, space = 0, False
    italics: list[tuple[int, int]] = []
    opened: list[int] = []
    calls: list[tuple[str, int]] = []
    for kind, value in tokens:
        if kind == "text":
            text = value if value.isascii() else _fix(value)
            for word in re.finditer(r"\s+|\S+", text):
                if word.group()[0].isspace():
                    space = True
                    continue
                if space and length:
                    out.append(" ")
                    length += 1
                space = False
                out.append(word.group())
                length += len(word.group())
        elif kind == "br":
            space = True
        elif kind == "open":
            opened.append(length + 1 if space and length else length)
        elif kind == "close":
            begin = opened.pop() if opened else length
            if length > begin:
                italics.append((begin, length))
        else:  # a footnote call: where the text it follows ends
            calls.append((value, length))
    return _Run("".join(out), sorted(italics), calls)


@dataclass(slots=True)
class HtmlBlock:
    """One block of a page's text layer: ``HtmlText.text[start:end]``, with what it is.

    ``italics`` and ``calls`` are offsets into ``HtmlText.text``. ``origin`` points back
    into the HTML: the source line and the XPath of the element the block came from.
    """

    start: int
    end: int
    kind: str = "body"  # body, heading, blockquote, list_item, footnote
    level: int = 0  # heading level
    marker: str | None = None  # a footnote's label
    italics: list[tuple[int, int]] = field(default_factory=list)
    calls: list[tuple[str, int]] = field(default_factory=list)
    origin: str = ""


@dataclass(slots=True)
class _Pending:
    run: _Run
    kind: str
    level: int = 0
    marker: str | None = None
    origin: str = ""


_ORIGIN = "data-synopsis-origin"


def _origin(el) -> str:
    """Where an element stands in the page: its source line and XPath."""
    if el.get(_ORIGIN):
        return el.get(_ORIGIN)
    try:
        return f"line {el.sourceline} {el.getroottree().getpath(el)}"
    except (AttributeError, ValueError):
        return ""


class _Blocks:
    """Walk a content root and collect the blocks of the text layer."""

    def __init__(self) -> None:
        self.blocks: list[_Pending] = []

    def add(self, tokens: list[Token], el, *, kind: str = "body", level: int = 0, quote: int = 0) -> None:
        run = _layout(tokens)
        if not run.text:
            return
        if quote and kind == "body":
            kind = "blockquote"
        self.blocks.append(_Pending(run, kind, level, origin=_origin(el)))

    def walk(self, el, *, quote: int = 0) -> None:
        tag = el.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.add(_inline(el), el, kind="heading", level=int(tag[1]), quote=quote)
        elif tag in ("p", "dt", "dd", "address", "figcaption", "caption", "summary"):
            if any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el):
                self.container(el, quote=quote)
            else:
                self.add(_inline(el), el, quote=quote)
        elif tag == "pre":
            self.add([("text", el.text_content())], el, quote=quote)
        elif tag == "blockquote":
            self.container(el, quote=quote + 1)
        elif tag in ("ul", "ol"):
            for li in el:
                if isinstance(li.tag, str) and li.tag == "li":
                    self.list_item(li, quote=quote)
                elif isinstance(li.tag, str):
                    self.walk(li, quote=quote)
        elif tag == "li":
            self.list_item(el, quote=quote)
        elif tag == "tr":
            tokens: list[Token] = []
            for cell in el:
                if isinstance(cell.tag, str) and cell.tag in ("td", "th") and _squash(cell.text_content()):
                    tokens += [("text", " | ")] if tokens else []
                    tokens += _inline(cell)
            self.add(tokens, el, quote=quote)
        elif tag == "hr":
            return
        else:
            self.container(el, quote=quote)

    def list_item(self, li, *, quote: int) -> None:
        """A list item: its first block is the item; nested lists follow it."""
        before = len(self.blocks)
        self.container(li, quote=quote)
        if len(self.blocks) > before and self.blocks[before].kind in ("body", "blockquote"):
            self.blocks[before].kind = "list_item"

    def container(self, el, *, quote: int) -> None:
        """Blocks inside a container; loose text and inline elements between them form paragraphs."""
        run: list[Token] = [("text", el.text or "")]
        for child in el:
            if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
                self.add(run, el, quote=quote)
                run = []
                self.walk(child, quote=quote)
            else:
                run.extend(_render_child(child))
            run.append(("text", child.tail or ""))
        self.add(run, el, quote=quote)


def _lay_out_page(blocks: list[_Pending]) -> tuple[str, list[HtmlBlock]]:
    """The page's text (blocks separated by a blank line) and its blocks, in offsets of that text."""
    parts: list[str] = []
    out: list[HtmlBlock] = []
    at = 0
    for pending in blocks:
        if parts:
            parts.append("\n\n")
            at += 2
        run = pending.run
        parts.append(run.text)
        out.append(HtmlBlock(
            at, at + len(run.text), pending.kind, pending.level, pending.marker,
            [(at + a, at + b) for a, b in run.italics], [(label, at + k) for label, k in run.calls], pending.origin,
        ))
        at += len(run.text)
    return "".join(parts), out


def _footnote_block(key: str, block) -> _Pending | None:
    """A footnote definition as one block, its printed marker and back-links taken out."""
    inner = _Blocks()
    if block.tag == "li":  # the note's own list item: its text, not a list
        inner.container(block, quote=0)
    else:
        inner.walk(block)
    if not inner.blocks:
        return None
    text, italics, calls, at = [], [], [], 0
    for pending in inner.blocks:
        if text:
            text.append(" ")
            at += 1
        text.append(pending.run.text)
        italics += [(at + a, at + b) for a, b in pending.run.italics]
        calls += [(label, at + k) for label, k in pending.run.calls]
        at += len(pending.run.text)
    body = "".join(text)
    lead = re.match(r"^[\[(]?" + re.escape(key) + r"[.)\]]?\s+", body)
    cut = lead.end() if lead else 0
    run = _Run(body[cut:], [(max(a - cut, 0), b - cut) for a, b in italics if b > cut], [(m, max(k - cut, 0)) for m, k in calls])
    return _Pending(run, "footnote", marker=key, origin=_origin(block))


# --------------------------------------------------------------------------- generic pages


def _generic_blocks(html: str, url: str | None) -> list[_Pending]:
    """Main text of an unknown page through trafilatura's XML output, turned into blocks."""
    import trafilatura

    xml = trafilatura.extract(
        html, url=url, output_format="xml", include_comments=False, include_tables=True,
        include_formatting=True, include_links=False, include_images=False, deduplicate=False,
    )
    if not xml:
        return []
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    main = doc.find(".//main")
    if main is None:
        main = doc
    blocks = _Blocks()

    def render(el) -> list[Token]:
        tokens: list[Token] = [("text", el.text or "")]
        for child in el:
            inner = render(child)
            if child.tag == "hi" and (child.get("rend") or "").startswith("#i"):
                tokens += [("open", None), *inner, ("close", None)]
            elif child.tag == "lb":
                tokens.append(("br", None))
            else:
                tokens += inner
            tokens.append(("text", child.tail or ""))
        return tokens

    def walk(el, quote: int) -> None:
        for child in el:
            if child.tag == "head":
                level = re.sub(r"\D", "", child.get("rend") or "") or "2"
                blocks.add(render(child), child, kind="heading", level=int(level), quote=quote)
            elif child.tag == "quote":
                if len(child):
                    walk(child, quote + 1)
                if _squash(child.text or ""):
                    blocks.add(render(child), child, quote=quote + 1)
            elif child.tag == "list":
                for item in child.iter("item"):
                    blocks.add(render(item), item, kind="list_item", quote=quote)
            elif child.tag == "table":
                for row in child.iter("row"):
                    tokens: list[Token] = []
                    for cell in row:
                        tokens += ([("text", " | ")] if tokens else []) + render(cell)
                    blocks.add(tokens, row, quote=quote)
            elif child.tag in ("p", "code"):
                blocks.add(render(child), child, quote=quote)
            else:
                walk(child, quote)

    walk(main, 0)
    for pending in blocks.blocks:
        pending.origin = f"trafilatura {pending.origin}".strip()  # an XPath in trafilatura's XML, not the page's
    return blocks.blocks


# --------------------------------------------------------------------------- entry point


def _title(tree) -> str | None:
    for path in ('.//meta[@property="og:title"]', './/meta[@name="title"]'):
        found = tree.xpath(path)
        if found and found[0].get("content"):
            return _squash(found[0].get("content"))
    title = tree.find(".//title")
    if title is not None and _squash(title.text_content()):
        return _squash(title.text_content())
    h1 = tree.find(".//h1")
    return _squash(h1.text_content()) if h1 is not None else None


def _fix(text: str) -> str:
    return ftfy.fix_text(text, config=_FTFY)


def extract(raw: bytes, *, url: str | None = None, content_type: str | None = None) -> HtmlText:
    """The text layer, notes and title of a page as received.

    ``url`` chooses the site rules (the page's own markup chooses them when it is None);
    ``content_type`` is the HTTP header the page came with, whose charset outranks the
    page's own declaration.
    """
    html, encoding = decode_html(raw, content_type=content_type)
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with an encoding declaration
    if not html.strip():
        return HtmlText(text="", encoding=encoding)
    tree = lxml.html.document_fromstring(html)
    title = _title(tree)
    site = _site_of(tree, url)
    notes: list[str] = []
    _remove_boilerplate(tree)
    root = None
    if site == "marxists.org":
        root = _marxists_root(tree, notes)
    elif site == "wordpress":
        root = _wordpress_root(tree, notes)
    if root is None:
        site = "generic"
        pending = _generic_blocks(html, url)
        footnotes: list[tuple[str, object]] = []
    else:
        footnotes = _find_footnotes(root)
        walker = _Blocks()
        walker.walk(root)
        pending = walker.blocks + [b for key, block in footnotes if (b := _footnote_block(key, block)) is not None]
    text, blocks = _lay_out_page(pending)
    return HtmlText(
        text=text,
        blocks=blocks,
        notes=[_fix(n) for n in notes if n],
        title=_fix(title) if title else None,
        encoding=encoding,
        site=site,
        footnotes=len(footnotes),
    )
