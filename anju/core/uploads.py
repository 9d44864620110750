"""Uploaded files are accepted by what they contain, never by their name or MIME header.

`check_upload` reads the first bytes (and, for Excel, the zip directory) and returns what
the file really is, so callers store it under the returned extension and content type.
"""

from __future__ import annotations

import zipfile
from typing import IO, NamedTuple

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import ValidationFailed

UPLOAD_TOO_LARGE = "upload_too_large"
UPLOAD_TYPE_NOT_ALLOWED = "upload_type_not_allowed"
UPLOAD_EMPTY = "upload_empty"

XLSX_MAIN_TYPE = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)


class Upload(NamedTuple):
    """What an accepted file really is."""

    kind: str  # "image", "pdf" or "xlsx"
    content_type: str
    extension: str


_IMAGE = {
    "jpeg": Upload("image", "image/jpeg", ".jpg"),
    "png": Upload("image", "image/png", ".png"),
    "gif": Upload("image", "image/gif", ".gif"),
    "webp": Upload("image", "image/webp", ".webp"),
}
PDF = Upload("pdf", "application/pdf", ".pdf")
XLSX = Upload(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
)
KIND_LABELS = {"image": "图片(JPG/PNG/GIF/WEBP)", "pdf": "PDF", "xlsx": "Excel(.xlsx)"}


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    pos = file.tell()
    file.seek(0, 2)
    end = file.tell()
    file.seek(pos)
    return end


def _is_xlsx(file: IO[bytes]) -> bool:
    """A zip whose [Content_Types].xml declares an Excel workbook (not .xlsm/.docx)."""
    try:
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return False
            return XLSX_MAIN_TYPE in archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return False


def sniff(file: IO[bytes]) -> Upload | None:
    """Identify the file by its magic bytes; None for anything else."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    found: Upload | None = None
    if head.startswith(b"\xff\xd8\xff"):
        found = _IMAGE["jpeg"]
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = _IMAGE["png"]
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        found = _IMAGE["gif"]
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = _IMAGE["webp"]
    elif head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"PK\x03\x04") and _is_xlsx(file):
        found = XLSX
    file.seek(0)
    return found


def check_upload(
    file: IO[bytes],
    kinds: set[str] | frozenset[str] = frozenset({"image", "xlsx", "pdf"}),
    max_bytes: int | None = None,
) -> Upload:
    """Accept `file` if it is one of `kinds` and not larger than `max_bytes`.

    Raises ValidationFailed (upload_too_large, upload_type_not_allowed, upload_empty).
    """
    limit = settings.ANJU_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    size = _size(file)
    if size == 0:
        raise ValidationFailed(_("文件为空，请重新选择。"), code=UPLOAD_EMPTY)
    if size > limit:
        raise ValidationFailed(
            _("文件过大：不能超过 %(limit)s。") % {"limit": filesizeformat(limit)},
            code=UPLOAD_TOO_LARGE,
            fields={"max_bytes": limit, "size": size},
        )
    found = sniff(file)
    if found is None or found.kind not in kinds:
        allowed = "、".join(KIND_LABELS[k] for k in sorted(kinds) if k in KIND_LABELS)
        raise ValidationFailed(
            _("文件类型不支持，只能上传%(allowed)s。") % {"allowed": allowed},
            code=UPLOAD_TYPE_NOT_ALLOWED,
            fields={"allowed": sorted(kinds)},
        )
    return found
