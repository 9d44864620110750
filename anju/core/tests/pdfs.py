"""Reading back the PDFs the app prints, as a person reading the page would."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, in reading order."""
    assert content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """All pages' text with whitespace removed, so wrapped table cells read as one."""
    return "".join("".join(pdf_pages(content)).split())


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part appears in `text` after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after {text[max(at - 40, 0) : at]!r}"
        at = found + len(part)
