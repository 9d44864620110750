"""Uploads are accepted by content and size, not by name or declared type."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from anju.core.errors import ValidationFailed
from anju.core.uploads import check_upload

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


def _upload(content: bytes, name: str = "file.bin", content_type: str = "") -> object:
    return SimpleUploadedFile(
        name, content, content_type=content_type or "application/octet-stream"
    )


def _xlsx() -> bytes:
    out = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["房屋编号", "建筑面积"])
    workbook.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (JPEG, "image/jpeg", ".jpg"),
        (PNG, "image/png", ".png"),
        (GIF, "image/gif", ".gif"),
        (WEBP, "image/webp", ".webp"),
    ],
)
def test_images_are_recognised_by_their_bytes(content, content_type, extension):
    # when (the name says otherwise on purpose)
    found = check_upload(_upload(content, "scan.pdf"), kinds={"image"})
    # then
    assert found == ("image", content_type, extension)


def test_pdf_is_recognised():
    assert check_upload(_upload(PDF), kinds={"pdf"}) == (
        "pdf",
        "application/pdf",
        ".pdf",
    )


def test_xlsx_written_by_excel_tools_is_recognised():
    # when
    found = check_upload(_upload(_xlsx(), "房屋.xlsx"), kinds={"xlsx"})
    # then
    assert (found.kind, found.extension) == ("xlsx", ".xlsx")


def test_the_file_can_be_read_from_the_start_after_the_check():
    # given
    upload = _upload(PNG)
    # when
    check_upload(upload, kinds={"image"})
    # then
    assert upload.read() == PNG


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", id="svg"
        ),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00", id="exe"),
        pytest.param(b"name,area\n3-2-1201,120\n", id="csv"),
        pytest.param(_zip({"evil.sh": b"rm -rf /"}), id="plain-zip"),
        pytest.param(
            _zip(
                {
                    "[Content_Types].xml": b"application/vnd.openxmlformats-"
                    b"officedocument.wordprocessingml.document.main+xml"
                }
            ),
            id="docx",
        ),
        pytest.param(
            _zip(
                {
                    "[Content_Types].xml": b"application/vnd.ms-excel."
                    b"sheet.macroEnabled.main+xml"
                }
            ),
            id="xlsm-with-macros",
        ),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
    ],
)
def test_other_content_is_refused_whatever_its_name(content):
    # when
    with pytest.raises(ValidationFailed) as error:
        check_upload(_upload(content, "photo.jpg", "image/jpeg"))
    # then
    assert error.value.code == "upload_type_not_allowed"
    assert error.value.status == 400
    assert error.value.message == (
        "文件类型不支持，只能上传图片(JPG/PNG/GIF/WEBP)、PDF、Excel(.xlsx)。"
    )


def test_a_kind_not_asked_for_is_refused():
    # when an Excel import receives a photo
    with pytest.raises(ValidationFailed) as error:
        check_upload(_upload(JPEG, "houses.xlsx"), kinds={"xlsx"})
    # then
    assert error.value.code == "upload_type_not_allowed"
    assert error.value.message == "文件类型不支持，只能上传Excel(.xlsx)。"
    assert error.value.fields == {"allowed": ["xlsx"]}


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    # when
    with pytest.raises(ValidationFailed) as error:
        check_upload(_upload(PNG + b"\x00" * 1000), kinds={"image"}, max_bytes=1024)
    # then
    assert error.value.code == "upload_too_large"
    assert error.value.message == "文件过大：不能超过 1.0\xa0KB。"
    assert error.value.fields == {"max_bytes": 1024, "size": len(PNG) + 1000}


def test_a_file_exactly_at_the_limit_is_accepted():
    content = PNG + b"\x00" * (1024 - len(PNG))
    assert check_upload(_upload(content), max_bytes=1024).kind == "image"


def test_the_limit_defaults_to_the_setting(settings):
    # given
    settings.ANJU_MAX_UPLOAD_BYTES = 100
    # when
    with pytest.raises(ValidationFailed) as error:
        check_upload(_upload(PDF + b"0" * 100))
    # then
    assert error.value.code == "upload_too_large"


def test_a_plain_file_object_is_measured_too():
    # when
    with pytest.raises(ValidationFailed) as error:
        check_upload(io.BytesIO(PDF * 100), max_bytes=len(PDF))
    # then
    assert error.value.code == "upload_too_large"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as error:
        check_upload(_upload(b""))
    assert (error.value.code, error.value.message) == (
        "upload_empty",
        "文件为空，请重新选择。",
    )
