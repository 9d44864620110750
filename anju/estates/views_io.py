"""Staff pages for the Excel import and export of houses (rules in importexport.py)."""

from __future__ import annotations

import tempfile
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anju.core.errors import ApplicationError
from anju.core.pii import can_reveal

from . import importexport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "house_import_file"
UPLOAD_DIR = "imports"


def _staff(request: HttpRequest, perm: str) -> None:
    if request.user.is_owner_account or not request.user.has_role_perm(perm):
        raise Http404


def _xlsx_response(handle, filename: str) -> FileResponse:  # type: ignore[no-untyped-def]
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE
    )


def _stored_upload(request: HttpRequest) -> str | None:
    name = request.session.get(SESSION_KEY)
    if name and default_storage.exists(name):
        return name
    return None


def _forget_upload(request: HttpRequest) -> None:
    name = request.session.pop(SESSION_KEY, None)
    if name and default_storage.exists(name):
        default_storage.delete(name)


@login_required
@require_http_methods(["GET", "POST"])
def house_import(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx, check it (校验) and import it (导入): all rows or none."""
    _staff(request, "estates.import")
    context: dict = {
        "max_mb": settings.ANJU_MAX_UPLOAD_BYTES // (1024 * 1024),
        "can_reveal": can_reveal(request.user),
    }
    if request.method == "GET":
        _forget_upload(request)
        return render(request, "estates/import.html", context)
    action = request.POST.get("action", "check")
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            importexport.check_xlsx_upload(upload.file, upload.size)
            _forget_upload(request)
            name = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.xlsx", upload)
            request.session[SESSION_KEY] = name
            request.session[SESSION_KEY + "_name"] = upload.name[:100]
        name = _stored_upload(request)
        if name is None:
            raise ApplicationError(_("请选择要导入的 Excel 文件"), code="file_required")
        filename = request.session.get(SESSION_KEY + "_name", "")
        with default_storage.open(name, "rb") as handle:
            result = importexport.house_import(
                actor=request.user,
                source=handle,
                dry_run=action != "import",
                filename=filename,
            )
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "estates/import.html", context, status=400)
    context.update({"result": result, "filename": filename})
    if result.ok and not result.dry_run:
        _forget_upload(request)
        messages.success(
            request,
            _("导入完成：新增 %(c)s 套，更新 %(u)s 套，未变 %(n)s 套")
            % {"c": result.created, "u": result.updated, "n": result.unchanged},
        )
        return redirect("estates:house_list")
    context["ready"] = result.ok
    return render(
        request, "estates/import.html", context, status=200 if result.ok else 400
    )


@login_required
@require_GET
def house_import_template(request: HttpRequest) -> FileResponse:
    """The empty import workbook with the column headers and instructions."""
    _staff(request, "estates.import")
    handle = tempfile.TemporaryFile()
    importexport.import_template(handle)
    return _xlsx_response(handle, "房屋导入模板.xlsx")


@login_required
@require_GET
def house_export(request: HttpRequest) -> HttpResponse:
    """The visible houses of the active community as .xlsx (masked unless revealed)."""
    _staff(request, "estates.export")
    reveal = request.GET.get("reveal") == "1"
    handle = tempfile.TemporaryFile()
    try:
        importexport.house_export(
            actor=request.user,
            dest=handle,
            community_id=request.community_id,  # type: ignore[attr-defined]
            reveal=reveal,
            reason=request.GET.get("reason", ""),
        )
    except ApplicationError as exc:
        handle.close()
        messages.error(request, exc.message)
        return redirect("estates:house_import" if reveal else "estates:house_list")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx_response(handle, f"房屋导出-{stamp}.xlsx")
