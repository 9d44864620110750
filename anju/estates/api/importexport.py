"""REST endpoints for the Excel import and export of houses (rules in importexport.py)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.errors import PermissionDenied, ValidationFailed

from .. import importexport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="房屋导入文件（.xlsx，使用导入模板的列）")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号（表头为第 1 行）")
    column = serializers.CharField(help_text="列名，例如“业主手机”")
    code = serializers.CharField(help_text="稳定的错误代码，例如 invalid_mobile")
    message = serializers.CharField(help_text="中文原因")


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = ImportErrorSerializer(many=True)


class ImportInvalidSerializer(ImportResultSerializer):
    code = serializers.CharField(help_text="import_invalid")
    message = serializers.CharField()
    fields = serializers.DictField()


class HouseIOErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()


class HouseImportView(APIView):
    """Import houses with owners from an .xlsx: every row valid, or nothing is written."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="houses_import",
        tags=["houses"],
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description="1 = 只校验，不写入",
            )
        ],
        responses={
            200: ImportResultSerializer,
            400: ImportInvalidSerializer,
            403: HouseIOErrorSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_role_perm("estates.import"):
            raise PermissionDenied("无权导入房屋", code="import_denied")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                "请上传 Excel 文件", code="file_required", fields={"file": ["必填"]}
            )
        importexport.check_xlsx_upload(upload.file, upload.size)
        result = importexport.house_import(
            actor=request.user,
            source=upload.file,
            dry_run=request.query_params.get("dry_run") in ("1", "true"),
            filename=upload.name or "",
        )
        body = result.as_dict()
        if not result.ok:
            error = importexport.ImportInvalid(
                f"导入文件有 {result.error_count} 处错误，未导入任何数据"
            )
            body = {
                "code": error.code,
                "message": error.message,
                "fields": {},
                **body,
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)


class HouseExportView(APIView):
    """The visible houses as .xlsx, in the import's columns (masked unless revealed)."""

    @extend_schema(
        operation_id="houses_export",
        tags=["houses"],
        parameters=[
            OpenApiParameter("community", OpenApiTypes.INT, description="小区 id"),
            OpenApiParameter(
                "reveal", OpenApiTypes.BOOL, description="1 = 完整手机号与身份证号"
            ),
            OpenApiParameter(
                "reason", OpenApiTypes.STR, description="导出完整信息的原因（必填）"
            ),
        ],
        responses={
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
            400: HouseIOErrorSerializer,
            403: HouseIOErrorSerializer,
        },
    )
    def get(self, request: Request) -> FileResponse:
        community = request.query_params.get("community", "")
        handle = tempfile.TemporaryFile()
        try:
            importexport.house_export(
                actor=request.user,
                dest=handle,
                community_id=int(community) if community.isdigit() else None,
                reveal=request.query_params.get("reveal") in ("1", "true"),
                reason=request.query_params.get("reason", ""),
            )
        except Exception:
            handle.close()
            raise
        handle.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"houses-{stamp}.xlsx",
            content_type=XLSX_TYPE,
        )


# Listed before the router's houses/{pk}/ so that "import" and "export" are not pks.
urlpatterns = [
    path("houses/import/", HouseImportView.as_view(), name="house-import"),
    path("houses/export/", HouseExportView.as_view(), name="house-export"),
]
