"""Photos: accepted by content, decoded for real, stripped of metadata, thumbnailed.

`check_upload` tells what a file claims to be by its first bytes; `photo_prepare` then
decodes the whole picture with Pillow (a JPEG header on a garbage body is refused),
re-encodes still images that carry EXIF/XMP (GPS position, camera serial) without it,
with the EXIF orientation applied, and makes a small JPEG thumbnail.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from .errors import ValidationFailed
from .uploads import check_upload

UPLOAD_IMAGE_INVALID = "upload_image_invalid"
UPLOAD_IMAGE_TOO_LARGE = "upload_image_too_large"

THUMB_SIZE = 320  # longest side of a thumbnail, in pixels
THUMB_QUALITY = 80
REENCODE_QUALITY = 90
# A phone photo is 12–50 megapixels; more than this is a decompression bomb or a scan.
MAX_PIXELS = 60_000_000

# Pillow's format name for each content type check_upload returns.
_PIL_FORMAT = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment")


@dataclass(frozen=True)
class Photo:
    """A checked picture, ready to store: what to write and what to record."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes  # JPEG, at most THUMB_SIZE on its longest side


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        _("图片已损坏或无法识别，请重新拍摄或选择。"), code=UPLOAD_IMAGE_INVALID
    )


def _open(raw: bytes, pil_format: str) -> Image.Image:
    """Decode every pixel of the first frame; only the format the bytes announced."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=[pil_format])
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed(
                    _("图片像素过多（不能超过 %(n)d 万像素）。")
                    % {"n": MAX_PIXELS // 10_000},
                    code=UPLOAD_IMAGE_TOO_LARGE,
                )
            image.load()
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _invalid() from exc
    return image


def _has_metadata(image: Image.Image) -> bool:
    return any(image.info.get(key) for key in _METADATA_KEYS) or bool(image.getexif())


def _upright(image: Image.Image) -> Image.Image:
    """The picture as the camera meant it (EXIF orientation applied), else as is."""
    if image.getexif().get(ExifTags.Base.Orientation, 1) in range(2, 9):
        return ImageOps.exif_transpose(image)
    return image


def _reencode(upright: Image.Image, pil_format: str, icc: bytes | None) -> bytes:
    """The picture without metadata (the colour profile is kept)."""
    out = io.BytesIO()
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if pil_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=REENCODE_QUALITY, optimize=True)
    elif pil_format == "WEBP":
        options.update(quality=REENCODE_QUALITY)
    upright.save(out, format=pil_format, **options)
    return out.getvalue()


def _thumbnail(upright: Image.Image) -> bytes:
    scale = min(1.0, THUMB_SIZE / max(upright.size))
    size = (max(1, round(upright.width * scale)), max(1, round(upright.height * scale)))
    thumb = upright.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if thumb.mode in ("RGBA", "LA", "PA") or (
        thumb.mode == "P" and "transparency" in thumb.info
    ):
        rgba = thumb.convert("RGBA")
        thumb = Image.new("RGB", rgba.size, "white")
        thumb.paste(rgba, mask=rgba.getchannel("A"))
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=THUMB_QUALITY, optimize=True)
    return out.getvalue()


def photo_prepare(file: IO[bytes], *, max_bytes: int) -> Photo:
    """Accept `file` only if it is a JPEG, PNG, GIF or WEBP picture that decodes.

    Raises ValidationFailed: upload_empty, upload_too_large, upload_type_not_allowed
    (from check_upload), upload_image_invalid, upload_image_too_large.
    """
    upload = check_upload(file, kinds={"image"}, max_bytes=max_bytes)
    file.seek(0)
    raw = file.read()
    file.seek(0)
    pil_format = _PIL_FORMAT[upload.content_type]
    image = _open(raw, pil_format)
    animated = bool(getattr(image, "is_animated", False))
    try:
        upright = _upright(image)
        content = raw
        if not animated and pil_format != "GIF" and _has_metadata(image):
            content = _reencode(upright, pil_format, image.info.get("icc_profile"))
        thumbnail = _thumbnail(upright)
    except (OSError, ValueError) as exc:
        raise _invalid() from exc
    return Photo(
        content=content,
        content_type=upload.content_type,
        extension=upload.extension,
        width=upright.width,
        height=upright.height,
        thumbnail=thumbnail,
    )
