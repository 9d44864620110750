"""What the API's queues of requests a second person decides (discounts, refunds) share."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .reports import needs


class DecideSerializer(serializers.Serializer):
    """A second person's decision on a request: approve or reject, with a note."""

    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReviewQueueMixin:
    """`decide/` needs `billing.approve`; the list narrows by `?status=` and `?house=`,
    newest first. A viewset names its status choices and the path to the house."""

    status_choices: Any = None
    house_path = "house_id"

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action == "decide":  # type: ignore[attr-defined]
            return [needs("billing.approve")()]
        return super().get_permissions()  # type: ignore[misc]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()  # type: ignore[misc]
        params = self.request.query_params  # type: ignore[attr-defined]
        wanted = params.get("status", "")
        if wanted in self.status_choices.values:
            qs = qs.filter(status=wanted)
        house = params.get("house", "")
        if house.isdigit():
            qs = qs.filter(**{self.house_path: int(house)})
        return qs.order_by("-created_at", "-id")
