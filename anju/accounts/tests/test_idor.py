"""IDOR: a supervisor of community B walks every object URL with community A's ids.

Built from the URL resolver, so routes added later are covered: a route with a `pk`
that the suite cannot map to an object fails it (see test_route_matrix.route_model).
Every answer must be a 404 with none of A's data in the body, and nothing in the
database may change. Lists, pages and searches must never show A's rows to B.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from anju.accounts.tests.test_route_matrix import (
    Route,
    all_routes,
    body_text,
    build_world,
    mappable,
    object_for,
    route_model,
)

# What of A's data must never reach B: numbers, names, phones, plates.
MARKERS = [
    "9-9-9901",
    "司马懿",
    "13912345678",
    "139****5678",
    "沪Z99999",
    "Z-999",
    "绿水苑",
    "a-colleague",
    "IDOR-NOTE-A",
]
# What B's supervisor sends to write endpoints: plausible data for every kind.
WRITE_BODY = {
    "name": "改名",
    "note": "B改",
    "room": "0001",
    "building_area": "1.00",
    "number": "X1",
    "plate": "沪B00001",
    "kind": "rented",
    "relation": "tenant",
    "field": "phone",
    "reason": "越权测试",
    "phone": "13700000000",
}
# Parts of A's values, so that a page echoing the query back is not a leak.
SEARCHES = ["司马", "smy", "sima", "5678", "9-9-99", "沪Z9", "Z-99", "990"]


def _snapshot(world: dict) -> dict[str, Any]:
    """Every row of every model that holds A's objects, plus the audit log size."""
    from anju.core.models import AuditEvent

    snap: dict[str, Any] = {}
    for key in [*world, *extra_models()]:
        if isinstance(key, type) and issubclass(key, models.Model):
            snap[key._meta.label] = sorted(
                key._base_manager.order_by().values_list(), key=repr
            )
    snap["audit"] = AuditEvent.objects.count()
    return snap


def extra_models() -> list[type[models.Model]]:
    from django.apps import apps

    from anju.accounts.tests.test_route_matrix import EXTRA_BUILDERS

    return [apps.get_model(label) for label in EXTRA_BUILDERS]


def _leaks(body: str) -> list[str]:
    return [m for m in MARKERS if m in body]


def _ask(client, url: str) -> dict[str, Any]:
    answers = {"GET": client.get(url), "POST": client.post(url, WRITE_BODY)}
    if url.startswith("/api/"):
        for method in ("put", "patch", "delete"):
            answers[method.upper()] = getattr(client, method)(
                url, WRITE_BODY, content_type="application/json"
            )
    return answers


def _pk_routes() -> list[Route]:
    """Object routes; unmappable ones fail test_every_pk_route_maps_to_an_object."""
    return [
        r for r in all_routes() if r.kwargs and r.namespace != "admin" and mappable(r)
    ]


@pytest.fixture
def world(community):
    cache.clear()
    return build_world(community, marker="IDOR-NOTE-A")


def test_every_pk_route_maps_to_an_object():
    unmapped = sorted(
        r.name
        for r in all_routes()
        if r.kwargs and r.namespace != "admin" and not mappable(r)
    )
    assert unmapped == [], (
        "routes with a pk the IDOR suite cannot map to an object (add it to "
        "ROUTE_MODELS / EXTRA_BUILDERS in test_route_matrix.py): " + ", ".join(unmapped)
    )


def test_outsider_gets_404_for_every_object_url_of_another_community(
    client, outsider, world
):
    # given B's supervisor and every object URL filled with A's ids
    client.force_login(outsider)
    targets = {}
    for route in _pk_routes():
        obj = object_for(world, route_model(route), world["colleague"])
        assert obj is not None, route.name
        targets[route] = reverse(route.name, kwargs={"pk": obj.pk})
    before = _snapshot(world)
    wrong = []
    # when each is read and written, and the same asked of an id that does not exist
    for route, url in targets.items():
        answers = _ask(client, url)
        nowhere = _ask(client, reverse(route.name, kwargs={"pk": 987654321}))
        codes = {m: r.status_code for m, r in answers.items()}
        leaks = {
            m: _leaks(body_text(r)) for m, r in answers.items() if _leaks(body_text(r))
        }
        missing = {m: r.status_code for m, r in nowhere.items()}
        if any(c < 300 for c in codes.values()):
            wrong.append(f"{route.name}: {codes}")
        elif codes != missing:
            wrong.append(f"{route.name}: {codes}, for a missing id {missing}")
        if leaks:
            wrong.append(f"{route.name} leaks {leaks}")
    # then A's ids answer 404 — refused by role (403, or sent to login) only where a
    # missing id is refused the same way, so nothing confirms that A's rows exist
    assert wrong == [], "\n".join(wrong)
    # and nothing changed
    assert _snapshot(world) == before


def test_outsider_lists_and_searches_never_show_another_communitys_rows(
    client, outsider, world, other_community
):
    # given B's supervisor
    client.force_login(outsider)
    routes = [
        r
        for r in all_routes()
        if not r.kwargs
        and r.namespace != "admin"
        and r.name not in ("accounts:logout", "schema", "api-docs")
    ]
    wrong = []
    # when every page and list is fetched, plain and with searches for A's data
    for route in routes:
        url = reverse(route.name)
        for params in [{}, *({"q": q} for q in SEARCHES)]:
            response = client.get(url, params)
            if response.status_code >= 500:
                wrong.append(f"{route.name} {params}: {response.status_code}")
            leaked = _leaks(body_text(response))
            if leaked:
                wrong.append(f"{route.name} {params}: {leaked}")
        # and the API filters, pointed at A's community
        if url.startswith("/api/v1/"):
            response = client.get(url, {"community": world["owner"].pk})
            leaked = _leaks(body_text(response))
            if leaked:
                wrong.append(f"{route.name} community filter: {leaked}")
    # then none of A's rows appear
    assert wrong == [], "\n".join(wrong)


def test_outsider_filtering_by_another_communitys_id_gets_nothing(
    client, outsider, world, community
):
    client.force_login(outsider)
    for url in ["/api/v1/houses/", "/api/v1/persons/", "/api/v1/vehicles/"]:
        body = client.get(url, {"community": community.pk}).json()
        assert (url, body["count"]) == (url, 0)


def test_outsider_cannot_point_writes_at_another_communitys_objects(
    client, outsider, world, other_community
):
    # given B's own building and A's house, unit and person
    from anju.estates.models import House, Vehicle
    from anju.estates.tests.factories import BuildingFactory

    BuildingFactory(community=other_community, number="1")
    house_a = world[House]
    client.force_login(outsider)
    before = _snapshot(world)
    # when B creates rows in B's community that reference A's objects
    answers = [
        client.post(
            "/api/v1/houses/",
            {"building": house_a.building_id, "room": "1", "building_area": "9"},
            content_type="application/json",
        ),
        client.post(
            "/api/v1/vehicles/",
            {
                "community": other_community.pk,
                "plate": "沪B12345",
                "house": house_a.pk,
            },
            content_type="application/json",
        ),
        client.post(
            "/api/v1/residents/",
            {"house": house_a.pk, "person": world["owner"].person.pk},
            content_type="application/json",
        ),
        client.post(
            "/api/v1/persons/",
            {"name": "冒充", "house": house_a.pk},
            content_type="application/json",
        ),
        client.post(
            "/api/v1/buildings/",
            {"community": house_a.community_id, "number": "66"},
            content_type="application/json",
        ),
    ]
    # then each is a 400 naming the field, as for an id that does not exist
    assert [a.status_code for a in answers] == [400] * 5
    assert [sorted(a.json()["fields"]) for a in answers] == [
        ["building"],
        ["house"],
        ["house", "person"],
        ["house"],
        ["community"],
    ]
    assert not any(_leaks(a.content.decode()) for a in answers)
    assert not Vehicle.objects.filter(plate="沪B12345").exists()
    assert _snapshot(world) == before
