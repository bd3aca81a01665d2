"""The one URL builder: every in-app link and every link in an export comes from here.

In-app links are relative (``commitment?id=N`` works from every page of the app); exports carry absolute
links, so a cell in a downloaded CSV opens the commitment. The base of absolute links is the address the
app is served on: ``$PARTNERS_BASE_URL``, else ``http://localhost:8501``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from urllib.parse import quote

#: The environment variable naming the address the app is served on (for links in exports).
BASE_URL_ENV = "PARTNERS_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"

#: The url path of the commitment page (``partners.ui.navigation`` registers it under this name).
COMMITMENT_PATH = "commitment"

#: The url path of a country's scorecard page (``country?code=KEN``).
SCORECARD_PATH = "country"


def base_url() -> str:
    """The address the app is served on, without a trailing slash."""
    return (os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def commitment_url(commitment_id: int) -> str:
    """The relative address of a commitment's page (works from every page of the app)."""
    return f"{COMMITMENT_PATH}?id={int(commitment_id)}"


def absolute_commitment_url(commitment_id: int, base: str | None = None) -> str:
    """The full address of a commitment's page, for exports (``base``: else ``base_url()``)."""
    return f"{(base or base_url()).rstrip('/')}/{commitment_url(commitment_id)}"


def scorecard_url(code: str, as_of: date | None = None) -> str:
    """The relative address of a country's scorecard page (``as_of``: as it stood at the end of that day)."""
    url = f"{SCORECARD_PATH}?code={quote(str(code), safe='')}"
    return url if as_of is None else f"{url}&as_of={as_of:%Y-%m-%d}"


def mailto_url(to: Sequence[str], subject: str, body: str) -> str:
    """A ``mailto:`` address that opens a new e-mail to ``to`` (the first address; the others copied) with
    this subject and body, every part percent-encoded so no text can add a header or end the address."""
    first, others = (to[0] if to else ""), list(to[1:])
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    query = {"subject": subject, "body": "\r\n".join(lines)}  # mail's line ends (RFC 6068)
    if others:
        query = {"cc": ",".join(others), **query}
    parts = "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return f"mailto:{quote(first, safe='@')}?{parts}"
