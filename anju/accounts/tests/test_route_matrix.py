"""The permission matrix: every named route × every role, from the URL resolver.

A route missing from `route_matrix.ROUTES` fails the suite; a route whose `pk` cannot be
mapped to an object fails it too, unless it is named in `EXPLICIT` with the test that
covers it. Each request runs in a savepoint that is rolled back, so one role's POST
never changes what the next role sees.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anju.accounts import route_matrix
from anju.accounts.choices import Role
from anju.accounts.tests.factories import OwnerUserFactory, StaffFactory
from anju.billing.models import DiscountLine, PaymentIntent, PrepaymentIncentive
from anju.core.models import AuditAction, AuditEvent
from anju.dunning.models import (
    Campaign,
    Contact,
    DunningCase,
    DunningDocument,
    Evidence,
)
from anju.estates.choices import ParkingKind, Relation
from anju.estates.models import (
    HouseResident,
    ParkingSpace,
    Person,
    Vehicle,
)
from anju.estates.tests.factories import HouseFactory
from anju.servicedesk.models import TicketAttachment

# --- walking the resolver ---------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]
    callback: Any

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""


def iter_routes(
    patterns: list | None = None, ns: tuple[str, ...] = ()
) -> Iterator[Route]:
    """Every named route of the project, DRF router routes and nested namespaces too."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = ns + ((p.namespace,) if p.namespace else ())
            yield from iter_routes(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            name = ":".join((*ns, p.name))
            kwargs = tuple(p.pattern.regex.groupindex)
            yield Route(name, kwargs, p.callback)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in iter_routes():
        seen.setdefault(route.name, route)  # reverse() uses the first one too
    return list(seen.values())


# Route-name words that are not a model's name.
MODEL_ALIASES: dict[str, type[models.Model]] = {
    "resident": HouseResident,
    "parking": ParkingSpace,
    "people": Person,
    "attachment": TicketAttachment,
}
# Routes whose pk names something the name does not say.
ROUTE_MODELS: dict[str, type[models.Model]] = {
    "portal_billing:intent_detail": PaymentIntent,
    "portal_billing:intent_check": PaymentIntent,
    "portal_billing:sandbox_pay": PaymentIntent,
    "billing:incentive_end": PrepaymentIncentive,
    "billing:discount_decide": DiscountLine,
    "dunning:case_detail": DunningCase,
    "dunning:case_move": DunningCase,
    "dunning:case_contact": DunningCase,
    "dunning:case_evidence": DunningCase,
    "dunning:case_dispute": DunningCase,
    "dunning:case_dispute_resolve": DunningCase,
    "dunning:case_close": DunningCase,
    "dunning:document_pdf": DunningDocument,
    "dunning:evidence_file": Evidence,
    "dunning:contact_outcome": Contact,
    "dunning:campaign_detail": Campaign,
    "dunning:campaign_run": Campaign,
    "dunning:campaign_end": Campaign,
}


def _project_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("anju.") or m._meta.label == "accounts.User"
    ]


def route_model(route: Route) -> type[models.Model] | None:
    """The model a route's `pk` refers to, or None if the suite cannot tell."""
    if route.name in ROUTE_MODELS:
        return ROUTE_MODELS[route.name]
    view_cls = getattr(route.callback, "cls", None)
    model = getattr(view_cls, "queryset_model", None)
    if model is not None:
        return model
    words = route.name.split(":")[-1].replace("-", "_").split("_")
    by_name = {m._meta.model_name: m for m in _project_models()}
    keys = ["".join(words[:n]) for n in range(1, len(words) + 1)]
    # shortest prefix first (house_resident_add → house), then the namespace
    # (notifications:read → notification)
    keys += [w.removesuffix("s") for w in route.namespace.split("_") if w]
    for key in keys:
        if key in MODEL_ALIASES:
            return MODEL_ALIASES[key]
        if key in by_name:
            return by_name[key]
    return None


# --- one object of each kind, all reachable by the owner's account -------------------


def build_world(community, marker: str = "") -> dict[type[models.Model], Any]:
    """One row of each master-data kind in `community`, tied to one owned house.

    Returns model → instance, plus the owner's portal account under `"owner"`.
    """
    house = HouseFactory(
        unit__building__community=community,
        unit__building__number="9",
        unit__number="9",
        room="9901",
        note=marker,
    )
    person = Person.objects.create(
        company=community.company,
        name="司马懿",
        phone="13912345678",
        id_number="11010519491231002X",
    )
    owner_user = OwnerUserFactory(username=person.phone, company=community.company)
    person.user = owner_user
    person.save()
    tie = HouseResident.objects.create(
        house=house, person=person, relation=Relation.OWNER, is_primary=True
    )
    space = ParkingSpace.objects.create(
        community=community, number="Z-999", kind=ParkingKind.OWNED, house=house
    )
    vehicle = Vehicle.objects.create(
        community=community,
        plate="沪Z99999",
        house=house,
        person=person,
        parking_space=space,
    )
    event = AuditEvent.objects.create(
        action=AuditAction.UPDATE,
        object_type="estates.house",
        object_id=str(house.pk),
        object_repr=house.number,
        community=community,
        actor_label="司马懿的管家",
    )
    colleague = StaffFactory(
        role=Role.AGENT,
        username="a-colleague",
        company=community.company,
        communities=[community],
    )
    world: dict[Any, Any] = {
        type(community): community,
        type(house.building): house.building,
        type(house.unit): house.unit,
        type(house): house,
        Person: person,
        HouseResident: tie,
        ParkingSpace: space,
        Vehicle: vehicle,
        AuditEvent: event,
        type(colleague): colleague,
        "owner": owner_user,
        "house": house,
        "colleague": colleague,
    }
    return world


def _ticket(world: dict, actor: Any) -> Any:
    from anju.servicedesk.tests.factories import make_ticket

    return make_ticket(
        actor=world["colleague"],
        house=world["house"],
        contact_name="司马懿",
        contact_phone="13912345678",
    )


def _notification(world: dict, actor: Any) -> Any:
    """A message in the actor's own inbox (the colleague's for anonymous visitors)."""
    from anju.notifications.models import Notification

    recipient = actor or world["colleague"]
    return Notification.objects.create(
        recipient=recipient,
        community=world["house"].community,
        event="matrix",
        title="9-9-9901 报修已受理",
        body="司马懿",
    )


def _compensation(world: dict, actor: Any) -> Any:
    from decimal import Decimal

    from anju.servicedesk.models import Compensation, Ticket

    ticket = object_for(world, Ticket, actor)
    return Compensation.objects.create(
        ticket=ticket,
        community=ticket.community,
        house=ticket.house,
        amount=Decimal("300.00"),
        reason="司马懿 减免一个月物业费",
        requested_by=world["colleague"],
    )


def _attachment(world: dict, actor: Any) -> Any:
    """A photo on the ticket, named after the owner (so a leaked name is caught)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from anju.servicedesk.models import Ticket
    from anju.servicedesk.services import attachment_add

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="JPEG")
    return attachment_add(
        actor=world["colleague"],
        ticket=object_for(world, Ticket, actor),
        file=SimpleUploadedFile("司马懿家漏水.jpg", out.getvalue(), "image/jpeg"),
    )


def _payment_intent(world: dict, actor: Any) -> Any:
    """The owner's sandbox order for the house (waiting for payment)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    house = world["house"]
    return PaymentIntent.objects.create(
        company=house.community.company,
        community=house.community,
        house=house,
        amount=Decimal("300.00"),
        provider="sandbox",
        out_trade_no="AJ20260115120000ABCDEF012345",
        created_by=world["owner"],
        expires_at=timezone.now() + timedelta(minutes=30),
    )


def _payment(world: dict, actor: Any) -> Any:
    """A cash payment of 300.00 for the owner's house taken by a cashier (all of it a
    prepayment credit: nothing is billed), with its receipt."""
    from decimal import Decimal

    from anju.billing.services import payment_record

    house = world["house"]
    cashier = StaffFactory(
        role=Role.FINANCE,
        username="m-cashier",
        company=house.community.company,
        communities=[house.community],
    )
    return payment_record(
        community=house.community,
        house=house,
        amount=Decimal("300.00"),
        channel="cash",
        idempotency_key="matrix-payment",
        actor=cashier,
    )


def _receipt(world: dict, actor: Any) -> Any:
    from anju.billing.models import Payment

    return object_for(world, Payment, actor).receipt


def _billing_manager(world: dict) -> Any:
    house = world["house"]
    manager = world.get("billing_manager")
    if manager is None:
        manager = world["billing_manager"] = StaffFactory(
            role=Role.MANAGER,
            username="m-billing-manager",
            company=house.community.company,
            communities=[house.community],
        )
    return manager


def _incentive(world: dict, actor: Any) -> Any:
    """The community's 预缴优惠 (12 months → 5 % off), set up by its manager."""
    from datetime import date

    from anju.billing.prepay import prepayment_incentive_create

    return prepayment_incentive_create(
        community=world["house"].community,
        actor=_billing_manager(world),
        name="9-9-9901 预缴优惠",
        min_months=12,
        kind="percent",
        percent="5",
        valid_from=date(2020, 1, 1),
    )


def _discount(world: dict, actor: Any) -> Any:
    """A discount of 50.00 requested on a 300.00 charge of the owner's house."""
    from anju.billing.choices import FeeKind
    from anju.billing.models import FeeItem
    from anju.billing.services import discount_request, one_off_charge_create

    house = world["house"]
    manager = _billing_manager(world)
    item = FeeItem.objects.create(
        community=house.community,
        code="m-service",
        name="有偿服务",
        kind=FeeKind.ONE_OFF,
    )
    line = one_off_charge_create(
        house=house, fee_item=item, amount="300.00", description="维修", actor=manager
    )
    return discount_request(
        line=line, amount="50.00", kind="other", reason="司马懿 老业主", actor=manager
    )


def _refund(world: dict, actor: Any) -> Any:
    """A refund of 100.00 of the house's prepayment credit, asked for by the cashier
    who took the payment and waiting for a manager (司马懿 named in the reason)."""
    from anju.billing.models import Payment
    from anju.billing.refunds import refund_request

    payment = object_for(world, Payment, actor)
    return refund_request(
        actor=payment.received_by,
        payment=payment,
        amount="100.00",
        channel="cash",
        reason="司马懿 多缴退回",
    )


def _dunning_case(world: dict, actor: Any) -> Any:
    """The house's 催缴 case: 300.00 due 60 days ago, still at the reminder stage."""
    from datetime import timedelta

    from django.utils import timezone

    from anju.dunning.services import case_open
    from anju.dunning.tests.factories import owe

    house = world["house"]
    owe(house, "300.00", timezone.localdate() - timedelta(days=60))
    return case_open(house=house)


def _dunning_document(world: dict, actor: Any) -> Any:
    """A 催缴通知书 of that case, addressed to 司马懿."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from anju.dunning.models import DunningCase, DunningDocument

    case = object_for(world, DunningCase, actor)
    return DunningDocument.objects.create(
        company=case.community.company,
        case=case,
        kind="notice",
        number="CJ2026-999999",
        addressee="司马懿",
        house_label=f"{case.community.name} {case.house.number}",
        lines=[
            {
                "item": "物业费",
                "description": "",
                "period": "2026-01-01 ~ 2026-01-31",
                "due": "2026-01-01",
                "amount": "300.00",
                "outstanding": "300.00",
            }
        ],
        total=Decimal("300.00"),
        total_in_words="叁佰元整",
        deadline=timezone.localdate() + timedelta(days=15),
        issued_by=world["colleague"],
    )


def _dunning_evidence(world: dict, actor: Any) -> Any:
    """The scan of the notice signed for by 司马懿."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from anju.dunning.models import DunningDocument, Evidence
    from anju.dunning.tests.factories import photo

    document = object_for(world, DunningDocument, actor)
    stored = default_storage.save("dunning/matrix.jpg", ContentFile(photo().read()))
    return Evidence.objects.create(
        case=document.case,
        kind="delivery",
        stage="notice",
        document=document,
        method="in_person",
        delivered_on=timezone.localdate(),
        receiver="司马懿",
        original_name="司马懿签收.jpg",
        stored_name=stored,
        content_type="image/jpeg",
        size=1,
        uploaded_by=world["colleague"],
    )


def _dunning_campaign(world: dict, actor: Any) -> Any:
    from anju.dunning.models import Campaign

    return Campaign.objects.create(
        community=world["house"].community,
        name="9-9-9901 长期欠费电话",
        segment="long_overdue",
        channel="phone",
        script="{{ owner }}您好",
        created_by=world["colleague"],
    )


def _dunning_contact(world: dict, actor: Any) -> Any:
    """A phone task on the case for the colleague, with 司马懿 in its script."""
    from anju.dunning.models import Campaign, Contact, DunningCase

    case = object_for(world, DunningCase, actor)
    return Contact.objects.create(
        community=case.community,
        case=case,
        house=case.house,
        campaign=object_for(world, Campaign, actor),
        channel="phone",
        stage=case.stage,
        assigned_to=world["colleague"],
        script_text="司马懿业主您好",
    )


# Models other apps add register a builder here: label → (builder, one per actor?).
# A builder gets the world and the requesting user (None for anonymous visitors).
EXTRA_BUILDERS: dict[str, tuple[Callable[[dict, Any], Any], bool]] = {
    "servicedesk.Ticket": (_ticket, False),
    "notifications.Notification": (_notification, True),
    "servicedesk.Compensation": (_compensation, False),
    "servicedesk.TicketAttachment": (_attachment, False),
    "billing.PaymentIntent": (_payment_intent, False),
    "billing.Payment": (_payment, False),
    "billing.Receipt": (_receipt, False),
    "billing.PrepaymentIncentive": (_incentive, False),
    "billing.DiscountLine": (_discount, False),
    "billing.Refund": (_refund, False),
    "dunning.DunningCase": (_dunning_case, False),
    "dunning.DunningDocument": (_dunning_document, False),
    "dunning.Evidence": (_dunning_evidence, False),
    "dunning.Campaign": (_dunning_campaign, False),
    "dunning.Contact": (_dunning_contact, False),
}


def object_for(world: dict, model: type[models.Model], actor: Any = None) -> Any:
    if model in world:
        return world[model]
    label = model._meta.label
    if label not in EXTRA_BUILDERS:
        return None
    build, per_actor = EXTRA_BUILDERS[label]
    if per_actor:
        return build(world, actor)
    world[model] = build(world, actor)
    return world[model]


# Routes the generic walk cannot judge, and the test that covers each one instead.
EXPLICIT: dict[str, str] = {
    # Logging out always redirects to the login page, for everyone.
    "accounts:logout": "test_logout_ends_the_session",
    # Generating the schema takes seconds; one test per answer instead of per role.
    "schema": "test_schema_needs_login_and_is_valid_openapi",
    "api-docs": "test_swagger_ui_page_loads_assets_from_self",
    # Switching the language answers everyone with a redirect back.
    "set_language": "test_anyone_switches_the_language",
}

ROLES = [
    "agent",
    "supervisor",
    "technician",
    "guard",
    "cleaner",
    "finance",
    "manager",
    "admin",
    "committee",
    "owner",
    "anonymous",
]
LOGIN_PATHS = ("/accounts/login/", "/portal/login/", "/django-admin/login/")


def make_actor(role: str, community, world: dict) -> Any:
    if role == "anonymous":
        return None
    if role == "owner":
        return world["owner"]
    if role == Role.ADMIN:
        return StaffFactory(role=role, username="m-admin", company=community.company)
    return StaffFactory(
        role=role,
        username=f"m-{role}",
        company=community.company,
        communities=[community],
    )


# Sent when a route answers GET with 405: enough to get past input checks to the
# permission check (a reveal needs a field and a reason before it is judged).
POST_BODY = {"field": "phone", "reason": "权限矩阵测试"}


class _Rollback(Exception):
    pass


def request_route(
    client: Client, route: Route, world: dict, actor: Any, body: dict | None = None
):
    """GET the route (POST if GET is not allowed), rolled back afterwards."""
    kwargs = {}
    if route.kwargs:
        model = route_model(route)
        obj = object_for(world, model, actor) if model else None
        assert obj is not None, route.name
        kwargs = {"pk": obj.pk}
    url = reverse(route.name, kwargs=kwargs)
    holder: dict[str, Any] = {}
    try:
        with transaction.atomic():
            response = client.get(url)
            response.matrix_method = "GET"
            if response.status_code == 405:
                response = client.post(url, body or POST_BODY)
                response.matrix_method = "POST"
            holder["response"] = response
            raise _Rollback
    except _Rollback:
        pass
    return holder["response"]


OBJECT_LEVEL_CODES = {"ticket_not_assignee"}
OBJECT_LEVEL_CODES |= {"dunning_not_assignee"}  # a task is recorded by its assignee


def _error_code(response) -> str:
    try:
        return response.json().get("code", "")
    except (ValueError, AttributeError):
        return ""


def is_denied(response) -> bool:
    """403/404/401, or sent away: to a login page, or a page sent back home ("/").

    A 403 that names an object-level rule (e.g. "only the assignee may start it") means
    the role reached the route; the rule itself is tested with the service.
    """
    if response.status_code == 403 and _error_code(response) in OBJECT_LEVEL_CODES:
        return False
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302):
        target = response["Location"].split("?")[0]
        if target == "/" and getattr(response, "matrix_method", "GET") == "GET":
            return True
        return target.endswith(LOGIN_PATHS)
    return False


WORLD_MODELS = {
    "estates.Community",
    "estates.Building",
    "estates.Unit",
    "estates.House",
    "estates.Person",
    "estates.HouseResident",
    "estates.ParkingSpace",
    "estates.Vehicle",
    "core.AuditEvent",
    "accounts.User",
}


def mappable(route: Route) -> bool:
    """The route needs no argument, or only a pk of a model the suite can build."""
    if not route.kwargs:
        return True
    if set(route.kwargs) != {"pk"}:
        return False
    model = route_model(route)
    return model is not None and (
        model._meta.label in WORLD_MODELS or model._meta.label in EXTRA_BUILDERS
    )


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def declared_code(route: Route) -> str | None:
    return route_matrix.route_code(route.name)


# --- the suite --------------------------------------------------------------------


def test_every_named_route_is_declared_in_the_matrix():
    missing = sorted(r.name for r in all_routes() if declared_code(r) is None)
    assert missing == [], (
        "routes missing from anju/accounts/route_matrix.py ROUTES: "
        + ", ".join(missing)
    )


def test_every_route_is_walkable_or_covered_by_a_named_test():
    # given the tests of this suite and the IDOR suite
    from anju.accounts.tests import test_idor

    known = set(dir(sys.modules[__name__])) | set(dir(test_idor))
    unmapped = sorted(
        r.name
        for r in all_routes()
        if r.namespace != "admin" and not mappable(r) and r.name not in EXPLICIT
    )
    # then every route is requested by the matrix, or by a test that exists
    assert unmapped == [], (
        "routes with arguments the matrix cannot map to an object (add a builder to "
        "EXTRA_BUILDERS or the route to ROUTE_MODELS): " + ", ".join(unmapped)
    )
    assert sorted(t for t in EXPLICIT.values() if t not in known) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_routes_it_may(role, community):
    # given one object of each kind and an actor of this role in the community
    cache.clear()
    world = build_world(community)
    actor = make_actor(role, community, world)
    client = Client()
    if actor is not None:
        client.force_login(actor)
    # (undeclared and unmappable routes fail the two tests above)
    routes = [
        r
        for r in all_routes()
        if r.namespace != "admin"
        and r.name not in EXPLICIT
        and mappable(r)
        and declared_code(r) is not None
    ]
    # when each route is requested
    wrong = []
    for route in routes:
        code = declared_code(route)
        expected = route_matrix.allows(code, actor) if actor else code == "public"
        response = request_route(client, route, world, actor)
        if is_denied(response) == expected:
            wrong.append(
                f"{route.name} ({code}): {response.status_code}"
                f" {'denied' if expected is False else 'allowed'} expected"
            )
    # then the answers match the matrix
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", ["anonymous", "admin", "owner"])
def test_django_admin_site_is_closed_to_every_role(role, community):
    # given the company's system administrator, an owner and anonymous visitors
    world = build_world(community)
    actor = make_actor(role, community, world)
    client = Client()
    if actor is not None:
        client.force_login(actor)
    # when every admin page is requested (with arbitrary ids: access is checked first)
    wrong = []
    for route in all_routes():
        if route.namespace != "admin" or route.name in route_matrix.ROUTES:
            continue
        args = {k: ("core" if k == "app_label" else "1") for k in route.kwargs}
        response = client.get(reverse(route.name, kwargs=args))
        if not is_denied(response):
            wrong.append(f"{route.name}: {response.status_code}")
    # then none of them opens
    assert wrong == []


def test_logout_ends_the_session(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get("/api/v1/auth/me/").status_code in (401, 403)


def test_schema_needs_login_and_is_valid_openapi(client, agent):
    from drf_spectacular.validation import validate_schema

    # given
    anonymous = client.get(reverse("schema"), {"format": "json"})
    client.force_login(agent)
    # when
    response = client.get(reverse("schema"), {"format": "json"})
    # then
    assert anonymous.status_code == 401
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    api_routes = [
        r
        for r in all_routes()
        if r.namespace != "admin"
        and reverse(r.name, kwargs={k: 1 for k in r.kwargs}).startswith("/api/v1/")
        and r.name not in ("schema", "api-docs")
    ]
    paths = set(schema["paths"])
    missing = []
    for r in api_routes:
        path = reverse(r.name, kwargs={k: 1 for k in r.kwargs})
        templated = path.replace("/1/", "/{id}/") if r.kwargs else path
        if templated not in paths:
            missing.append(r.name)
    assert missing == []


def test_swagger_ui_page_loads_assets_from_self(client, agent):
    anonymous = client.get(reverse("api-docs"))
    client.force_login(agent)
    page = client.get(reverse("api-docs"))
    script = client.get(reverse("api-docs"), {"script": ""})
    assert anonymous.status_code == 401
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    )
    assert "https://" not in body
    assert "http://" not in body
    assert "<script>" not in body  # the init script is its own request
    assert f'src="{reverse("api-docs")}?script="' in body
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'sha256-" in csp  # only the template's one <style> block, by hash
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_anyone_switches_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/x/"})
    assert response.status_code == 302
    assert response["Location"] == "/x/"
    assert response.cookies["django_language"].value == "en"
