"""HTML mail bodies to Markdown-ish text, for mail that has no text/plain part.

The result is the message's `body_source`, later rendered by `markdown_to_html` (raw HTML
off, nh3 allowlist), so nothing here has to be trusted: it only decides what text to keep.
Scripts, styles, the head and images (tracking pixels) are dropped; links survive as
`[text](url)` only for http(s) and mailto URLs (`javascript:` and `data:` links become
their bare text); quoted history that mail programs mark up (`blockquote type=cite`,
Gmail's `gmail_quote`, Outlook's `divRplyFwdMsg`/`appendonsend`, Thunderbird's
`moz-cite-prefix`) ends the text, since what follows is the earlier conversation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe"}
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "address",
}  # fmt: skip
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "area", "base", "col", "source"}
_QUOTE_CLASSES = {"gmail_quote", "moz-cite-prefix", "yahoo_quoted", "OutlookMessageHeader"}
_QUOTE_IDS = {"divRplyFwdMsg", "appendonsend", "x_divRplyFwdMsg", "x_appendonsend"}
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>()\[\]]+$", re.IGNORECASE)


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.stopped = False
        self.link: str | None = None
        self.link_text: list[str] = []

    def _is_quote(self, tag: str, attrs: dict[str, str | None]) -> bool:
        classes = set((attrs.get("class") or "").split())
        if classes & _QUOTE_CLASSES or (attrs.get("id") or "") in _QUOTE_IDS:
            return True
        return tag == "blockquote" and (attrs.get("type") or "").lower() == "cite"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        named = dict(attrs)
        if self.skip_depth or tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self._is_quote(tag, named):
            self.stopped = True
            return
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.out.append("\n\n")
            if tag == "hr":
                self.out.append("---\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            href = (named.get("href") or "").strip()
            self.link = href if _SAFE_URL.match(href) else None
            self.link_text = []
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.skip_depth:
            if tag in _SKIP or tag not in _VOID:
                self.skip_depth -= 1
            return
        if tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            text = " ".join("".join(self.link_text).split())
            if self.link and text and text != self.link:
                self.out.append(f"[{text.replace(']', ')')}]({self.link})")
            elif self.link:
                self.out.append(self.link)
            else:
                self.out.append(text)
            self.link = None
            self.link_text = []
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stopped or self.skip_depth:
            return
        if "pre" not in self.stack:
            data = re.sub(r"\s+", " ", data)
        if "a" in self.stack:
            self.link_text.append(data)
        else:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail body (see the module docstring)."""
    if not html:
        return ""
    maker = _TextMaker()
    try:
        maker.feed(html)
        maker.close()
    except Exception:  # noqa: BLE001 - the parser is lenient; this is a last resort
        return re.sub(r"<[^>]*>", " ", html)
    text = "".join(maker.out)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
