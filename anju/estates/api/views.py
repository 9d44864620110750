"""REST API for master data. Reads start from `visible_to`; writes call the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.api import RolePermission, ScopedViewSetMixin
from anju.core.pii import pii_reveal

from .. import services
from ..models import (
    Building,
    Community,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
)
from . import filters
from . import serializers as s

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class MasterDataViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and edit; rows are kept for history, so no DELETE."""

    permission_classes = [RolePermission]
    http_method_names = WRITE_METHODS

    def create_object(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self.update_object(
            serializer.instance, dict(serializer.validated_data)
        )


class CommunityViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Communities (小区) the user works in."""

    queryset_model = Community
    serializer_class = s.CommunitySerializer
    permission_classes = [RolePermission]
    filterset_class = None


class BuildingViewSet(MasterDataViewSet):
    """Buildings (楼栋)."""

    queryset_model = Building
    serializer_class = s.BuildingSerializer
    filterset_class = filters.BuildingFilter

    def create_object(self, data: dict[str, Any]) -> Building:
        return services.building_create(actor=self.request.user, **data)

    def update_object(self, obj: Building, data: dict[str, Any]) -> Building:
        for key, value in data.items():
            setattr(obj, key, value)
        return services.save_audited(obj=obj, actor=self.request.user)


class UnitViewSet(MasterDataViewSet):
    """Staircase units (单元)."""

    queryset_model = Unit
    serializer_class = s.UnitSerializer
    filterset_class = filters.UnitFilter
    select_related = ("building",)

    def create_object(self, data: dict[str, Any]) -> Unit:
        return services.unit_create(
            building=data["building"], number=data["number"], actor=self.request.user
        )

    def update_object(self, obj: Unit, data: dict[str, Any]) -> Unit:
        obj.number = data.get("number", obj.number)
        return services.save_audited(obj=obj, actor=self.request.user)


class HouseViewSet(MasterDataViewSet):
    """Houses (房屋). `q` finds by number, owner name, pinyin initials or phone tail."""

    queryset_model = House
    serializer_class = s.HouseSerializer
    filterset_class = filters.HouseFilter

    def create_object(self, data: dict[str, Any]) -> House:
        return services.house_create(actor=self.request.user, **data)

    def update_object(self, obj: House, data: dict[str, Any]) -> House:
        return services.house_update(house=obj, actor=self.request.user, **data)


@extend_schema_view(create=extend_schema(request=s.PersonCreateSerializer))
class PersonViewSet(MasterDataViewSet):
    """Owners, family members and tenants. Phones and ID numbers are masked."""

    queryset_model = Person
    serializer_class = s.PersonSerializer
    filterset_class = filters.PersonFilter

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "create":
            return s.PersonCreateSerializer
        if self.action == "reveal":
            return s.RevealSerializer
        return s.PersonSerializer

    def create_object(self, data: dict[str, Any]) -> Person:
        tie = services.person_create_for_house(
            house=data.pop("house"),
            relation=data.pop("relation"),
            actor=self.request.user,
            **data,
        )
        return tie.person

    def update_object(self, obj: Person, data: dict[str, Any]) -> Person:
        return services.person_update(person=obj, actor=self.request.user, **data)

    @extend_schema(
        request=s.RevealSerializer,
        responses={
            200: s.RevealResultSerializer,
            400: OpenApiResponse(description="pii_reason_required"),
            403: OpenApiResponse(description="pii_reveal_denied"),
        },
        summary="查看完整手机号或身份证号（记录审计日志）",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        data = s.RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field = data.validated_data["field"]
        value = pii_reveal(
            actor=request.user,
            obj=person,
            field=field,
            reason=data.validated_data["reason"],
        )
        return Response({"field": field, "value": value})


class ResidentViewSet(MasterDataViewSet):
    """A person's tie to a house. DELETE ends the tie (move-out); the row stays."""

    queryset_model = HouseResident
    serializer_class = s.ResidentSerializer
    filterset_class = filters.ResidentFilter
    select_related = ("house", "person")
    http_method_names = [*WRITE_METHODS, "delete"]

    def create_object(self, data: dict[str, Any]) -> HouseResident:
        return services.resident_add(
            house=data["house"],
            person=data["person"],
            relation=data.get("relation", "owner"),
            is_primary=data.get("is_primary", False),
            actor=self.request.user,
        )

    def update_object(self, obj: HouseResident, data: dict[str, Any]) -> HouseResident:
        for key, value in data.items():
            setattr(obj, key, value)
        return services.save_audited(obj=obj, actor=self.request.user)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        services.resident_end(resident=resident, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VehicleViewSet(MasterDataViewSet):
    """Vehicles registered to houses."""

    queryset_model = Vehicle
    serializer_class = s.VehicleSerializer
    filterset_class = filters.VehicleFilter

    def create_object(self, data: dict[str, Any]) -> Vehicle:
        return services.vehicle_create(actor=self.request.user, **data)

    def update_object(self, obj: Vehicle, data: dict[str, Any]) -> Vehicle:
        return services.vehicle_update(vehicle=obj, actor=self.request.user, **data)


class ParkingSpaceViewSet(MasterDataViewSet):
    """Parking spaces: owned (产权), rented (租赁), temporary (临停)."""

    queryset_model = ParkingSpace
    serializer_class = s.ParkingSpaceSerializer
    filterset_class = filters.ParkingSpaceFilter

    def create_object(self, data: dict[str, Any]) -> ParkingSpace:
        return services.parking_space_create(actor=self.request.user, **data)

    def update_object(self, obj: ParkingSpace, data: dict[str, Any]) -> ParkingSpace:
        return services.parking_space_update(space=obj, actor=self.request.user, **data)
