"""The API's Swagger UI page, served under the site's strict Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re

from django.template.loader import get_template
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


def _inline_style_hashes(template_name: str) -> list[str]:
    """CSP hashes of the <style> blocks of a third-party template we serve as is."""
    source = get_template(template_name).template.source
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.S)
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'"
        for b in blocks
    ]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (sidecar), under the strict CSP.

    The split view loads its init script from this same URL instead of inlining it;
    the template's one inline <style> block is allowed by its hash, nothing else is.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            hashes = _inline_style_hashes(self.template_name)
            response._csp_update = {"style-src": hashes}  # read by django-csp
        return response
