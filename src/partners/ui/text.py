"""User text shown as text: what people typed never becomes a link, an image, HTML or formatting.

Streamlit renders the text of most widgets (headers, captions, alerts, labels) as Markdown; ``plain`` makes
a value safe to put into such text. Tables show their cells as text already. Links are links only where
the field is a link (a commitment's page, an evidence link): ``link`` writes those.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

#: An invisible, zero-width character that keeps a word together (U+2060 WORD JOINER).
_JOINER = "\u2060"

#: What the Markdown renderer turns into a link on its own, in text that has no link syntax at all (GitHub's
#: "autolink literals": web addresses, www. names, e-mail addresses): the escapes below cannot stop these,
#: since the renderer finds them in the text after the escapes are resolved.
_AUTOLINK = re.compile(r"(?i)https?:|\bwww\.|@")


def plain(text: Any) -> str:
    """Text people typed, shown literally in Markdown-rendering widgets: no links (not even a bare web
    address), images, HTML, formatting or Streamlit directives. A word joiner (invisible) first breaks what
    the renderer would make a link by itself (``https:``, ``www.``, an e-mail's ``@``), then Markdown's own
    characters are escaped."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + _JOINER + m.group(0)[-1], str(text))
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])", r"\\\1", unlinked)


def link(url: str, text: str | None = None) -> str:
    """A Markdown link to a web address people gave (an evidence link), shown as ``text`` (else the address):
    the address percent-encoded so it cannot end the link early, the text plain. Not a web address: plain."""
    if not re.match(r"(?i)https?://", url):
        return plain(url)
    href = quote(url, safe="/:?#@!$&'*+,;=%~-._")  # no brackets, parentheses, spaces or angle brackets
    href = href.replace("&", "\\&")  # a literal ampersand, never a character reference
    return f"[{plain(text if text is not None else url)}](<{href}>)"
