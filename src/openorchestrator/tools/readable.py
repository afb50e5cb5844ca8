"""HTML → the text a person would read on the page: its title and main content, as plain lines.

Built on the standard library's `html.parser` (the lock has no lxml or bs4, and this needs neither): the page
is read once, left to right, with a stack of the open elements. Text inside script, style, nav, footer, aside,
form, noscript, svg, … or a hidden element is dropped, and so is a header outside the main content. Headings
become "# …" lines, list items "- …", table cells are joined by " | ", and a link keeps its target as
"text (url)" when that is an http(s) URL. When the page marks its main content (<main>, <article>,
role="main") and that part holds enough of the text, only that part is kept.

`decode` turns the body's bytes into text the way browsers guess: a BOM, then UTF-8 (which almost never
decodes by accident, so it beats a wrong label), then the declared charset, a <meta> charset, and
windows-1252 as the last resort.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

MIN_MAIN_CHARS = 200
"""Main content this long (or half the page's text) is taken alone; less is likely a mis-marked teaser."""

SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "nav", "footer", "aside", "form", "iframe"}
    | {"object", "embed", "canvas", "button", "select", "textarea", "dialog"}
)
SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"})
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "ul", "ol", "dl", "dt", "dd", "table", "tr", "pre", "blockquote"}
    | {"figure", "figcaption", "address", "details", "summary", "center", "body", "caption", "fieldset"}
)
HEADINGS = {f"h{level}": "#" * level + " " for level in range(1, 7)}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"})


@dataclass(frozen=True)
class Readable:
    title: str
    text: str


@dataclass(frozen=True)
class _Open:
    tag: str
    skip: bool
    main: bool


class _Reader(HTMLParser):
    """Collects lines twice: all of them, and those written inside main content."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.title: list[str] = []
        self.all_lines: list[str] = []
        self.main_lines: list[str] = []
        self._stack: list[_Open] = []
        self._open: Counter[str] = Counter()
        self._skipping = 0
        self._in_main = 0
        self._in_pre = 0
        self._in_title = False
        self._line: list[str] = []
        self._line_in_main = False
        self._line_in_pre = False
        self._prefix = ""
        self._link: tuple[str, int] | None = None
        """(href, where its text starts in `_line`) of the open <a>."""

    # -- elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self._open["svg"] and not self._open["math"]:
            self._in_title = not self.title
        if tag in VOID_TAGS:
            if tag in ("br", "hr") and not self._skipping:
                self._flush()
            return
        named = dict(attrs)
        main = tag in ("main", "article") or (named.get("role") or "").lower() == "main"
        self._push(_Open(tag, self._skips(tag, named), main))
        if not self._skipping:
            self._begin(tag, named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if not self._open[tag]:  # a stray end tag; the count spares a walk down the stack
            return
        while self._stack:  # closes what the page left open inside, as browsers do
            entry = self._pop()
            if not self._skipping:
                self._end(entry.tag)
            if entry.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skipping:
            self._line.append(data)
            self._line_in_main = self._line_in_main or self._in_main > 0
            self._line_in_pre = self._line_in_pre or self._in_pre > 0

    def _skips(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in SKIP_TAGS or (tag == "header" and not self._in_main):
            return True
        style = (attrs.get("style") or "").replace(" ", "").lower()
        hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true" or "display:none" in style
        return hidden or (attrs.get("role") or "").lower() in SKIP_ROLES

    def _push(self, entry: _Open) -> None:
        self._stack.append(entry)
        self._open[entry.tag] += 1
        self._skipping += entry.skip
        self._in_main += entry.main
        self._in_pre += entry.tag == "pre"

    def _pop(self) -> _Open:
        entry = self._stack.pop()
        self._open[entry.tag] -= 1
        self._skipping -= entry.skip
        self._in_main -= entry.main
        self._in_pre -= entry.tag == "pre"
        return entry

    # -- lines

    def _begin(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in BLOCK_TAGS or tag in HEADINGS or tag == "li":
            pending = "" if "".join(self._line).strip() else self._prefix  # <li><p>… keeps the "- "
            self._flush()
            self._prefix = HEADINGS.get(tag) or ("- " if tag == "li" else pending)
        elif tag in ("td", "th") and "".join(self._line).strip():
            self._line.append(" | ")
        elif tag == "a" and (href := (attrs.get("href") or "").strip()) and not href.startswith("#"):
            self._link = (urljoin(self.base_url, href), len(self._line))

    def _end(self, tag: str) -> None:
        if tag in BLOCK_TAGS or tag in HEADINGS or tag == "li":
            self._flush()
            if tag in HEADINGS or tag == "li":
                self._prefix = ""
        elif tag == "a" and self._link is not None:
            href, start = self._link
            self._link = None
            text = " ".join("".join(self._line[start:]).split())
            if href.startswith(("http://", "https://")) and text and text != href:
                self._line.append(f" ({href})")

    def _flush(self) -> None:
        raw = "".join(self._line)
        if self._line_in_pre:
            found = [line.rstrip() for line in raw.strip("\n").splitlines()]
        else:
            found = [" ".join(raw.split())]
        for line in filter(None, found):
            text = self._prefix + line
            self.all_lines.append(text)
            if self._line_in_main:
                self.main_lines.append(text)
            self._prefix = ""
        self._line, self._line_in_main, self._line_in_pre, self._link = [], False, False, None

    def close(self) -> None:
        super().close()
        self._flush()


def readable(html: str, base_url: str = "") -> Readable:
    """The title and the main text of `html`; relative links are resolved against `base_url`."""
    reader = _Reader(base_url)
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # html.parser's last words on some broken markup; keep what was read
        reader._flush()
    main_chars = sum(map(len, reader.main_lines))
    all_chars = sum(map(len, reader.all_lines))
    use_main = main_chars > 0 and main_chars >= min(MIN_MAIN_CHARS, all_chars // 2)
    lines = reader.main_lines if use_main else reader.all_lines
    return Readable(" ".join("".join(reader.title).split()), "\n".join(lines))


# -- bytes to text ----------------------------------------------------------------------------------------


def decode(body: bytes, charset: str | None = None, *, html: bool = False, complete: bool = True) -> str:
    """The text of `body`. `complete=False` for a body cut at a byte limit: a character split by the cut
    is dropped instead of condemning the whole guess."""
    for encoding in _candidates(body, charset, html):
        try:
            return codecs.getincrementaldecoder(encoding)("strict").decode(body, final=complete)
        except UnicodeDecodeError:
            continue
    return body.decode("cp1252", errors="replace")


def _candidates(body: bytes, charset: str | None, html: bool) -> list[str]:
    declared = _codec(charset)
    meta = _codec(_meta_charset(body)) if html else None
    bom = _bom(body)
    if bom:
        return [bom]
    wide = [declared] if declared and declared.startswith(("utf-16", "utf-32")) else []
    return [name for name in [*wide, "utf-8", declared, meta, "cp1252"] if name]


def _codec(label: str | None) -> str | None:
    """Python's name for a charset label; windows-1252 for the labels browsers read as windows-1252."""
    if not label:
        return None
    text = label.strip().strip("\"'").lower()
    if text in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(text).name
    except LookupError:
        return None


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii") if found else None


def _bom(body: bytes) -> str | None:
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(mark):
            return name
    return None
