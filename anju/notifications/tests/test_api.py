"""GET /api/v1/notifications/ (own only) and POST /api/v1/notifications/{id}/read/."""

from __future__ import annotations

from rest_framework.test import APIClient

from .factories import NotificationFactory

URL = "/api/v1/notifications/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_returns_only_own_notifications(
    agent, supervisor, community, django_assert_num_queries
):
    # given
    mine = NotificationFactory.create_batch(3, recipient=agent, community=community)
    NotificationFactory(recipient=supervisor)
    # when (count, page with communities)
    with django_assert_num_queries(2):
        response = _api(agent).get(URL)
    # then
    assert response.status_code == 200
    assert response.data["count"] == 3
    assert sorted(r["id"] for r in response.data["results"]) == sorted(
        n.pk for n in mine
    )
    first = response.data["results"][0]
    assert first["community_name"] == "绿水苑"
    assert first["read_at"] is None


def test_list_can_show_unread_only(agent):
    NotificationFactory(recipient=agent, title="未读")
    NotificationFactory(recipient=agent, read_at="2026-11-26T10:00Z")
    response = _api(agent).get(URL, {"unread": "1"})
    assert [r["title"] for r in response.data["results"]] == ["未读"]


def test_owner_reads_own_notifications(owner):
    NotificationFactory(recipient=owner, title="账单已出")
    response = _api(owner).get(URL)
    assert [r["title"] for r in response.data["results"]] == ["账单已出"]


def test_mark_read(agent):
    # given
    note = NotificationFactory(recipient=agent)
    # when
    response = _api(agent).post(f"{URL}{note.pk}/read/")
    # then
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    assert response.data["read_at"] is not None


def test_reading_or_marking_someone_elses_notification_is_a_404(agent, supervisor):
    # given
    theirs = NotificationFactory(recipient=supervisor)
    # when
    opened = _api(agent).get(f"{URL}{theirs.pk}/")
    marked = _api(agent).post(f"{URL}{theirs.pk}/read/")
    # then
    assert opened.status_code == marked.status_code == 404
    assert marked.data == {
        "code": "not_found",
        "message": "对象不存在或无权访问",
        "fields": {},
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_callers_are_refused():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"
