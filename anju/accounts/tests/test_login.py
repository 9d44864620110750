"""Login security, end to end through the login forms (django-axes needs a real POST)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditAction, AuditEvent

STAFF_LOGIN = "/accounts/login/"
PORTAL_LOGIN = "/portal/login/"
LOCK_MESSAGE = "登录失败次数过多，账号已临时锁定"


class Clock:
    """Moves the time axes and Django read (`timezone.now`), never sleeps."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = timezone.now()
        for target in (
            "django.utils.timezone.now",
            "axes.attempts.now",
            "axes.handlers.proxy.now",
        ):
            monkeypatch.setattr(target, lambda: self.now)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _fail(client, url, username, times):
    return [
        client.post(url, {"username": username, "password": "wrong-password"})
        for _ in range(times)
    ]


def _user_id(client):
    return client.session.get("_auth_user_id")


def test_argon2_is_the_password_hasher_in_every_real_environment():
    from anju.settings import base

    assert (
        base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_staff_password_hash_is_argon2_when_argon2_is_configured(
    settings, agent, password
):
    # given argon2 as the first hasher (the test settings use MD5 for speed)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    # when the password is set again
    agent.set_password(password)
    # then it is stored as an argon2 hash
    assert identify_hasher(agent.password).algorithm == "argon2"
    assert agent.password.startswith("argon2$argon2id$")


def test_staff_logs_in_with_username(client, agent, password):
    # when
    response = client.post(STAFF_LOGIN, {"username": "agent", "password": password})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _user_id(client) == str(agent.pk)


def test_owner_logs_in_with_mobile_written_with_spaces(client, owner, password):
    # when
    response = client.post(
        PORTAL_LOGIN, {"username": "138 1234 1234", "password": password}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert _user_id(client) == str(owner.pk)


def test_wrong_password_shows_chinese_error_and_logs_nobody_in(client, agent):
    # when
    response = client.post(STAFF_LOGIN, {"username": "agent", "password": "nope"})
    # then
    assert response.status_code == 200
    assert "用户名或密码错误。" in response.content.decode()
    assert _user_id(client) is None


def test_owner_cannot_log_into_staff_ui(client, owner, password):
    # when
    response = client.post(
        STAFF_LOGIN, {"username": owner.username, "password": password}
    )
    # then
    assert response.status_code == 200
    assert "业主请通过业主服务平台登录。" in response.content.decode()
    assert _user_id(client) is None


def test_staff_cannot_log_into_portal(client, agent, password):
    # when
    response = client.post(PORTAL_LOGIN, {"username": "agent", "password": password})
    # then
    assert response.status_code == 200
    assert "手机号或密码错误。" in response.content.decode()
    assert _user_id(client) is None


@pytest.mark.parametrize(
    ("url", "who"), [(STAFF_LOGIN, "agent"), (PORTAL_LOGIN, "owner")]
)
def test_repeated_failures_lock_the_account_until_the_cool_off_ends(
    db, client, request, clock, password, url, who
):
    # given
    user = request.getfixturevalue(who)
    limit = settings.AXES_FAILURE_LIMIT
    # when the password is wrong one time less than the limit
    before = _fail(client, url, user.username, limit - 1)
    # then each attempt is an ordinary error
    assert [r.status_code for r in before] == [200] * (limit - 1)
    # when the last allowed attempt also fails
    (locked,) = _fail(client, url, user.username, 1)
    # then the account is locked with a Chinese message and 429
    assert locked.status_code == 429
    assert LOCK_MESSAGE in locked.content.decode()
    # when the right password is given during the lock
    clock.advance(minutes=14)
    refused = client.post(url, {"username": user.username, "password": password})
    # then it is refused too
    assert refused.status_code == 429
    assert LOCK_MESSAGE in refused.content.decode()
    assert _user_id(client) is None
    # when the cool-off has passed
    clock.advance(minutes=2)
    accepted = client.post(url, {"username": user.username, "password": password})
    # then the right password works again and the failures are forgotten
    assert accepted.status_code == 302
    assert _user_id(client) == str(user.pk)
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_lock_page_says_how_long_to_wait(client, agent, clock):
    # when
    (*_, locked) = _fail(client, STAFF_LOGIN, "agent", settings.AXES_FAILURE_LIMIT)
    # then
    assert "请 15 分钟后再试" in locked.content.decode()


def test_owner_lockout_cannot_be_dodged_by_writing_the_mobile_differently(
    client, owner, password, clock
):
    # given the limit reached with the mobile written in several ways
    spellings = ["13812341234", "138 1234 1234", "+86 138-1234-1234", "008613812341234"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, PORTAL_LOGIN, spellings[i % len(spellings)], 1)
    # when the right password comes in yet another spelling
    response = client.post(
        PORTAL_LOGIN, {"username": "138-1234-1234", "password": password}
    )
    # then the account is still locked
    assert response.status_code == 429
    assert _user_id(client) is None


def test_lockout_is_written_to_the_audit_log(client, agent, clock, community):
    # when
    _fail(client, STAFF_LOGIN, "agent", settings.AXES_FAILURE_LIMIT)
    # then one lockout event, in the user's community, visible to admins there
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_LOCKED)
    assert event.object_type == "accounts.user"
    assert event.object_id == "agent"
    assert event.community_id == community.pk
    assert event.ip == "127.0.0.1"
    assert event.reason == "连续登录失败，账号已临时锁定"


def test_owner_lockout_is_audited_in_the_community_of_their_house(
    client, owner, clock, community
):
    # when
    _fail(client, PORTAL_LOGIN, owner.username, settings.AXES_FAILURE_LIMIT)
    # then
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_LOCKED)
    assert (event.object_id, event.community_id) == (owner.username, community.pk)


def test_supervisor_sees_lockout_in_the_audit_list(
    client, agent, supervisor, clock, community
):
    # given
    _fail(client, STAFF_LOGIN, "agent", settings.AXES_FAILURE_LIMIT)
    client.force_login(supervisor)
    # when
    page = client.get(reverse("accounts:audit_list"), {"action": "login_locked"})
    # then
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1


def test_lock_of_one_user_does_not_lock_another(client, agent, supervisor, password):
    # given agent is locked
    _fail(client, STAFF_LOGIN, "agent", settings.AXES_FAILURE_LIMIT)
    # when a colleague at the same address logs in
    response = client.post(
        STAFF_LOGIN, {"username": "supervisor", "password": password}
    )
    # then (lockout is by username: a service centre shares one address)
    assert response.status_code == 302
    assert _user_id(client) == str(supervisor.pk)


def test_success_resets_the_failure_count(client, agent, password):
    # given failures one short of the limit, then a success
    _fail(client, STAFF_LOGIN, "agent", settings.AXES_FAILURE_LIMIT - 1)
    client.post(STAFF_LOGIN, {"username": "agent", "password": password})
    client.post(reverse("accounts:logout"))
    # when one more failure follows
    (response,) = _fail(client, STAFF_LOGIN, "agent", 1)
    # then it is an ordinary error, not a lock
    assert response.status_code == 200


def test_login_refuses_unsafe_next_url(client, agent, password):
    # when
    response = client.post(
        STAFF_LOGIN,
        {"username": "agent", "password": password, "next": "https://evil.example/"},
    )
    # then
    assert response["Location"] == "/"


def test_logout_refuses_get(client, agent):
    # given
    client.force_login(agent)
    # when
    response = client.get(reverse("accounts:logout"))
    # then
    assert response.status_code == 405
    assert _user_id(client) == str(agent.pk)


def test_owner_logout_returns_to_portal_login(client, owner):
    # given
    client.force_login(owner)
    # when
    response = client.post(reverse("accounts:logout"))
    # then
    assert response["Location"] == "/portal/login/"
    assert _user_id(client) is None
