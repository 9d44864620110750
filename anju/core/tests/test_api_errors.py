"""The API's one error shape {"code", "message", "fields"}, token login and lockout."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from anju.core.models import AuditAction, AuditEvent
from anju.estates.models import House
from anju.estates.tests.factories import HouseFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Login throttling counts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def test_validation_error_lists_fields(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/houses/",
        {"building": house.building_id, "building_area": "abc"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"room", "building_area"}
    assert body["message"]
    assert House.objects.count() == 1


def test_blanking_a_required_field_is_a_field_error(client, supervisor, house):
    client.force_login(supervisor)
    response = client.patch(
        f"/api/v1/houses/{house.pk}/",
        {"room": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["room"]
    house.refresh_from_db()
    assert house.room == "1201"


def test_unknown_id_is_404_not_found(client, agent):
    client.force_login(agent)
    response = client.get("/api/v1/houses/987654/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "对象不存在或无权访问",
        "fields": {},
    }


def test_out_of_scope_id_is_the_same_404(client, outsider, house):
    client.force_login(outsider)
    response = client.get(f"/api/v1/houses/{house.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "3-2-1201" not in response.content.decode()


def test_unauthenticated_is_401(client, house):
    response = client.get("/api/v1/houses/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_forbidden_write_is_403_and_changes_nothing(client, agent, house):
    client.force_login(agent)
    response = client.post(
        "/api/v1/houses/",
        {"building": house.building_id, "room": "0101", "building_area": "50"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert House.objects.count() == 1


def test_unsupported_method_is_405_in_the_shape(client, supervisor, house):
    client.force_login(supervisor)
    response = client.delete(f"/api/v1/houses/{house.pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert House.objects.filter(pk=house.pk).exists()


def test_page_size_is_capped_at_200(client, agent, house):
    # given 205 houses
    for i in range(204):
        HouseFactory(unit=house.unit, room=f"R{i:03d}")
    client.force_login(agent)
    # when a client asks for 1000 a page
    body = client.get("/api/v1/houses/", {"page_size": 1000}).json()
    # then
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] is not None


# --- token login ------------------------------------------------------------------


def test_staff_gets_token_by_username_and_uses_it(client, agent, password):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "agent", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["kind"] == "staff"
    me = client.get(
        "/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}"
    )
    assert me.json()["username"] == "agent"
    assert me.json()["role"] == "agent"
    assert me.json()["communities"] == [agent.communities.get().pk]


def test_owner_gets_token_by_mobile_written_with_spaces(client, owner, password):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "138 1234 1234", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["kind"] == "owner"


def test_wrong_password_is_401_invalid_credentials(client, agent):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "agent", "password": "wrong-password"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_repeated_failures_lock_the_account_with_account_locked(
    client, agent, password, settings
):
    # given the failure limit reached with wrong passwords
    limit = settings.AXES_FAILURE_LIMIT
    answers = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "agent", "password": "wrong-password"},
            content_type="application/json",
        )
        for _ in range(limit)
    ]
    # when the right password is tried next
    after = client.post(
        "/api/v1/auth/token/",
        {"username": "agent", "password": password},
        content_type="application/json",
    )
    # then
    assert [a.status_code for a in answers] == [401] * (limit - 1) + [429]
    assert answers[-1].json()["code"] == "account_locked"
    assert after.status_code == 429
    assert after.json() == {
        "code": "account_locked",
        "message": "登录失败次数过多，账号已临时锁定，请稍后再试",
        "fields": {},
    }
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_LOCKED)
    assert event.object_id == "agent"


def test_token_of_deactivated_user_is_refused(client, agent, password):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "agent", "password": password},
        content_type="application/json",
    )
    agent.is_active = False
    agent.save()
    me = client.get(
        "/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}"
    )
    assert me.status_code == 401
    assert me.json()["code"] == "authentication_failed"
