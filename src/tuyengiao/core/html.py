"""Rich text from users: sanitised for display, reduced to plain text for reading and parsing.

One way to turn HTML into text, so that reference offsets, search and summaries all read the same.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(value: str) -> str:
    """Rich text kept with its structure; scripts, handlers and styles removed."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def plain_text(value: str) -> str:
    """Text with every tag removed (script content included); templates escape it on display."""
    if not value:
        return ""
    return html.unescape(nh3.clean(value, tags=set())).strip()


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "pre", "hr", "header", "footer", "figure", "figcaption", "dd", "dt",
}  # fmt: skip
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "head", "title"}
_TAG_RE = re.compile(r"<[a-zA-Z/!?][^>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def looks_like_html(text: str) -> bool:
    return bool(_TAG_RE.search(text))


def html_to_text(value: str) -> str:
    """Plain text of an HTML body: one line per block, entities decoded, scripts dropped.

    Text without any tag is returned unchanged, so plain bodies keep their offsets.
    """
    if not value or not looks_like_html(value):
        return value or ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
