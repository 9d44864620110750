"""Inbox pages: staff in the staff UI, owners in the portal; own messages only."""

from __future__ import annotations

from django.urls import reverse

from anju.notifications.models import Notification

from .factories import NotificationFactory


def test_staff_inbox_lists_only_own_messages_with_the_unread_count(
    client, agent, supervisor, community, django_assert_num_queries
):
    # given
    NotificationFactory(
        recipient=agent, title="工单 TS2026-0001 受理超时", community=community
    )
    NotificationFactory.create_batch(3, recipient=agent)
    NotificationFactory(recipient=agent, title="已读的", read_at="2026-11-26T10:00Z")
    NotificationFactory(recipient=supervisor, title="主管的消息")
    client.force_login(agent)
    # when (session, user, count, unread count, 2 × switcher communities, page)
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications:inbox"))
    # then
    assert response.status_code == 200
    titles = [n.title for n in response.context["notifications"]]
    assert len(titles) == 5
    assert "工单 TS2026-0001 受理超时" in titles
    assert "主管的消息" not in titles
    assert response.context["unread"] == 4
    assert "4 条未读" in response.content.decode()


def test_unread_filter_shows_unread_only(client, agent):
    NotificationFactory(recipient=agent, title="未读")
    NotificationFactory(recipient=agent, title="已读", read_at="2026-11-26T10:00Z")
    client.force_login(agent)
    response = client.get(reverse("notifications:inbox") + "?unread=1")
    assert [n.title for n in response.context["notifications"]] == ["未读"]


def test_the_top_bar_badge_shows_the_unread_count(client, agent):
    # given
    NotificationFactory.create_batch(2, recipient=agent)
    client.force_login(agent)
    # when the home page loads, then its top bar loads the badge
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in page
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert '<span class="badge unread-count" title="未读消息">2</span>' in badge


def test_marking_a_message_read(client, agent):
    # given
    note = NotificationFactory(recipient=agent)
    client.force_login(agent)
    # when
    response = client.post(reverse("notifications:read", args=[note.pk]))
    # then
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_marking_someone_elses_message_is_a_404_and_changes_nothing(
    client, agent, supervisor
):
    # given
    theirs = NotificationFactory(recipient=supervisor)
    client.force_login(agent)
    # when
    response = client.post(reverse("notifications:read", args=[theirs.pk]))
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own_messages(client, agent, supervisor):
    NotificationFactory.create_batch(3, recipient=agent)
    NotificationFactory(recipient=supervisor)
    client.force_login(agent)
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(recipient=agent, read_at=None).count() == 0
    assert Notification.objects.filter(recipient=supervisor, read_at=None).count() == 1


def test_owner_sees_own_messages_in_the_portal(client, owner, agent):
    # given
    NotificationFactory(recipient=owner, title="您的报事 TS2026-0568 已办结")
    NotificationFactory(recipient=agent, title="员工的消息")
    client.force_login(owner)
    # when
    response = client.get(reverse("portal_notifications:inbox"))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "您的报事 TS2026-0568 已办结" in body
    assert "员工的消息" not in body
    assert "1 条未读" in body


def test_owner_marks_a_message_read_in_the_portal(client, owner):
    note = NotificationFactory(recipient=owner)
    client.force_login(owner)
    response = client.post(reverse("portal_notifications:read", args=[note.pk]))
    assert response["Location"] == reverse("portal_notifications:inbox")
    note.refresh_from_db()
    assert note.read_at is not None


def test_owner_cannot_open_the_staff_inbox_and_staff_go_home_from_the_portal(
    client, owner, agent
):
    client.force_login(owner)
    assert client.get(reverse("notifications:inbox")).status_code == 404
    client.force_login(agent)
    response = client.get(reverse("portal_notifications:inbox"))
    assert response["Location"] == reverse("home")
