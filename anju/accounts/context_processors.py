"""Navigation and the community switcher for every staff page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed). Modules add themselves here as they land.
NAV = [
    (_("工作台"), "home", None),
    (_("工单"), "servicedesk:workbench", "servicedesk.view"),
    (_("服务台报表"), "servicedesk:report", "servicedesk.report"),
    (_("收费"), "billing:bill_list", "billing.view"),
    (_("催缴"), "dunning:case_list", "dunning.view"),
    (_("房屋"), "estates:house_list", "estates.view"),
    (_("业主住户"), "estates:person_list", "estates.view"),
    (_("楼栋"), "estates:building_list", "estates.view"),
    (_("车辆车位"), "estates:vehicle_list", "estates.view"),
    (_("审计日志"), "accounts:audit_list", "audit.view"),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_owner_account:
        return {}
    from anju.estates.models import Community

    items = []
    for label, name, perm in NAV:
        if perm is None or user.has_role_perm(perm):
            try:
                items.append({"label": label, "url": reverse(name), "name": name})
            except Exception:  # noqa: BLE001 - a module whose urls are not wired yet
                continue
    communities = Community.objects.filter(pk__in=user.community_ids()).only(
        "pk", "name"
    )
    return {
        "nav_items": items,
        "switch_communities": communities,
        "active_community_id": getattr(request, "community_id", None),
    }
