"""Printable A4 documents (reports, receipts) with Chinese text, built with ReportLab.

Text is set in ReportLab's built-in CID font `STSong-Light` (Adobe-GB1): no font file is
shipped or downloaded, and PDF viewers supply the glyphs. Debian's Noto CJK fonts are
OpenType/CFF, which ReportLab's TrueType embedding cannot read (see
docs/architecture.md, "PDF").

A document is the company name as letterhead on every page, a title, then flowables made
with the helpers below, and "第 1 页 共 N 页" at the foot of each page. Every piece of
user text goes through `text()`, which escapes it: ReportLab's paragraph markup would
otherwise interpret tags such as `<img src=...>` typed into a ticket.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from rest_framework.renderers import BaseRenderer

FONT = "STSong-Light"
PAGE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 26 * mm
MARGIN_BOTTOM = 20 * mm
WIDTH = PAGE[0] - 2 * MARGIN_X  # usable width
LABEL_BG = colors.HexColor("#eef2f6")
RULE = colors.HexColor("#333333")
EMPTY = "—"


@lru_cache(maxsize=1)
def font() -> str:
    """Register the CID font once per process and return its name."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    f = font()
    base = ParagraphStyle("body", fontName=f, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=2 * mm,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=9,
            leading=13,
            alignment=TA_RIGHT,
            textColor=colors.HexColor("#555555"),
            spaceAfter=2 * mm,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontSize=12,
            leading=18,
            spaceBefore=4 * mm,
            spaceAfter=1.5 * mm,
            keepWithNext=True,
        ),
        "label": ParagraphStyle("label", parent=base, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13),
        "head": ParagraphStyle(
            "head", parent=base, fontSize=9, leading=13, alignment=TA_CENTER
        ),
    }


def text(value: Any, style: str = "body") -> Paragraph:
    """A paragraph of user text: escaped, line breaks kept, "—" when empty."""
    raw = "" if value is None else str(value).strip()
    if not raw:
        raw = EMPTY
    markup = escape(raw).replace("\r\n", "\n").replace("\n", "<br/>")
    return Paragraph(markup, styles()[style])


def _cell(value: Any, style: str) -> Flowable:
    return value if isinstance(value, Flowable) else text(value, style)


def title(value: str, subtitle: str = "") -> list[Flowable]:
    """The document's title, centred, with an optional small line under it (right)."""
    items: list[Flowable] = [text(value, "title")]
    if subtitle:
        items.append(text(subtitle, "subtitle"))
    return items


def heading(value: str) -> Paragraph:
    return text(value, "heading")


def _grid_style(extra: Sequence[tuple]) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def kv_table(
    rows: Sequence[Sequence[tuple[str, Any]]], label_width: float = 28 * mm
) -> Table:
    """A form: each row holds one or two (label, value) pairs; one pair spans the row.

    Labels are shaded like a printed form; values may be text or a flowable.
    """
    value_width = (WIDTH - 2 * label_width) / 2
    data: list[list[Any]] = []
    extra: list[tuple] = []
    for r, pairs in enumerate(rows):
        if not 1 <= len(pairs) <= 2:
            raise ValueError("a form row holds one or two pairs")
        line: list[Any] = []
        for label, value in pairs:
            line += [text(label, "label"), _cell(value, "body")]
        if len(pairs) == 1:
            line += ["", ""]
            extra.append(("SPAN", (1, r), (3, r)))
        data.append(line)
        extra += [("BACKGROUND", (0, r), (0, r), LABEL_BG)]
        if len(pairs) == 2:
            extra += [("BACKGROUND", (2, r), (2, r), LABEL_BG)]
    widths = [label_width, value_width, label_width, value_width]
    return Table(data, colWidths=widths, style=_grid_style(extra))


def steps_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
) -> Table:
    """A ruled table with a shaded header row repeated on each page.

    `widths` are relative (e.g. 1, 3, 2, 8) and share the page width.
    """
    total = sum(widths)
    col_widths = [WIDTH * w / total for w in widths]
    data = [[text(h, "head") for h in headers]]
    data += [[_cell(v, "cell") for v in row] for row in rows]
    if not rows:
        data.append([text(EMPTY, "cell")] + [""] * (len(headers) - 1))
    extra: list[tuple] = [("BACKGROUND", (0, 0), (-1, 0), LABEL_BG)]
    if not rows:
        extra.append(("SPAN", (0, 1), (-1, 1)))
    return Table(data, colWidths=col_widths, repeatRows=1, style=_grid_style(extra))


def signature_block(labels: Sequence[str], names: Sequence[str] = ()) -> Flowable:
    """Boxes to sign by hand: each label with room to sign; a printed name if given."""
    cells = []
    for i, label in enumerate(labels):
        name = names[i] if i < len(names) else ""
        lines = f"{label}：\n\n\n{name}" if name else f"{label}：\n\n\n"
        cells.append(text(lines, "body"))
    widths = [WIDTH / len(labels)] * len(labels)
    table = Table(
        [cells],
        colWidths=widths,
        style=_grid_style([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    return KeepTogether([Spacer(1, 5 * mm), table])


def _numbered_canvas(footer: str) -> type[canvas.Canvas]:
    """A canvas that holds its pages until the end so each can say "共 N 页"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's camelCase name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font(), 9)
                self.drawCentredString(
                    PAGE[0] / 2,
                    10 * mm,
                    _("第 %(page)s 页 共 %(total)s 页")
                    % {"page": number, "total": total},
                )
                if footer:
                    self.drawString(MARGIN_X, 10 * mm, footer)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(
    *,
    letterhead: str,
    story: Sequence[Flowable],
    title: str,
    author: str = "",
    footer: str = "",
) -> bytes:
    """Lay out `story` on A4 pages under the letterhead and return the PDF bytes.

    `title` is the document's metadata title (the story shows its own heading);
    `footer` is a short line at the bottom left of each page (e.g. who printed it).
    """
    f = font()

    def letterhead_on(c: canvas.Canvas, _doc: Any) -> None:
        c.saveState()
        c.setFont(f, 13)
        top = PAGE[1] - 14 * mm
        c.drawCentredString(PAGE[0] / 2, top, letterhead)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.8)
        c.line(MARGIN_X, top - 3.5 * mm, PAGE[0] - MARGIN_X, top - 3.5 * mm)
        c.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author or letterhead,
        creator="Anju",
        lang="zh-CN",
    )
    doc.build(
        list(story),
        onFirstPage=letterhead_on,
        onLaterPages=letterhead_on,
        canvasmaker=_numbered_canvas(footer),
    )
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), never cached: it holds personal data."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


class PDFRenderer(BaseRenderer):
    """Lets an API action answer `Accept: application/pdf`; errors stay JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()
