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
    "p", "section", "article", "header", "footer", "table", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "address",
}  # fmt: skip
# Mail programs write one <div> per line (an empty line is <div><br></div>).
_LINES = {"div", "tr"}
# A forward's text sits in the same markup as quoted history: with a forward marker in the
# message, nothing is dropped (the trimmer keeps a forward whole).
_FORWARD_MARK = re.compile(
    r"-{2,}\s*(?:forwarded message|message transféré|weitergeleitete nachricht|"
    r"doorgestuurd bericht|mensaje reenviado|messaggio inoltrato)|begin forwarded message",
    re.IGNORECASE,
)
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "area", "base", "col", "source"}
_QUOTE_CLASSES = {"gmail_quote", "moz-cite-prefix", "yahoo_quoted", "OutlookMessageHeader"}
_QUOTE_IDS = {"divRplyFwdMsg", "appendonsend", "x_divRplyFwdMsg", "x_appendonsend"}
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>()\[\]]+$", re.IGNORECASE)


class _TextMaker(HTMLParser):
    def __init__(self, *, keep_quotes: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_quotes = keep_quotes
        self.out: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.stopped = False
        self.link: str | None = None
        self.link_text: list[str] = []

    def _line_break(self) -> None:
        """End the current line, unless only spaces were written since the last one."""
        tail = "".join(self.out[-4:]).rstrip(" \t")
        if tail and not tail.endswith("\n"):
            self.out.append("\n")

    def _is_quote(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if self.keep_quotes:
            return False
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
        elif tag in _LINES:
            self._line_break()
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
        elif tag in _LINES:
            self._line_break()
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            text = " ".join("".join(self.link_text).split())
            if self.link and text and text != self.link.removeprefix("mailto:"):
                self.out.append(f"[{text.replace(']', ')')}]({self.link})")
            elif text:
                self.out.append(text)  # the link's own address, or no safe link at all
            elif self.link:
                self.out.append(self.link)
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


def html_to_text(html: str, *, keep_quotes: bool = False) -> str:
    """The readable text of an HTML mail body (see the module docstring); `keep_quotes`
    keeps the quoted history's markup too (as does a forward)."""
    if not html:
        return ""
    maker = _TextMaker(keep_quotes=keep_quotes or bool(_FORWARD_MARK.search(html)))
    try:
        maker.feed(html)
        maker.close()
    except Exception:  # noqa: BLE001 - the parser is lenient; this is a last resort
        return re.sub(r"<[^>]*>", " ", html)
    text = "".join(maker.out)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
