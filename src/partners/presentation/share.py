"""A link as a QR code (``segno``), as SVG and PNG, for a slide or a printed handout."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """The link as a QR code in SVG (dark modules on white, a quiet zone around)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=4, dark="#000000", light="#ffffff",
                                    title="QR code of the link")
    return out.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    """The link as a QR code in PNG."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()
