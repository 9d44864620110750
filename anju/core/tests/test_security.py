"""Security baseline: CSP nonces, CSRF on every unsafe method, GET without side effects,
and the production settings passing `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from anju.accounts.middleware import SESSION_KEY

ROOT = Path(__file__).resolve().parents[3]
MISSING = 999999


def _named_routes() -> dict[str, list[str]]:
    """Every named route (namespace:name) and its URL keyword arguments."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespaces):  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns,
                    [*namespaces, p.namespace] if p.namespace else namespaces,
                )
            elif p.name:
                keys = list(getattr(p.pattern, "converters", {}) or {}) or list(
                    p.pattern.regex.groupindex
                )
                if "format" not in keys:
                    found.setdefault(":".join([*namespaces, p.name]), keys)

    walk(get_resolver().url_patterns, [])
    return found


ROUTES = {n: k for n, k in _named_routes().items() if not n.startswith("admin:")}


def _url(name: str, pks: dict[str, int] | None = None) -> str:
    """The route's URL, with the pk of a matching object where one is known."""
    keys = ROUTES[name]
    pk = MISSING
    for word, value in (pks or {}).items():
        if word in name:
            pk = value
            break
    return reverse(name, kwargs={k: pk for k in keys})


def _db_state() -> dict[str, list[tuple]]:
    """Every row of every table except sessions and the audit log, before and after.

    Logging who read or downloaded what (exports, confidential items) is access
    logging that the domain requires, not a change made by the GET.
    """
    state = {}
    for model in apps.get_models():
        if model._meta.db_table == "django_session" or not model._meta.managed:
            continue
        if model._meta.label == "core.AuditEvent":
            continue
        rows = model._base_manager.order_by("pk").values_list()
        state[model._meta.label] = [tuple(map(str, r)) for r in rows]
    return state


# --- Content-Security-Policy --------------------------------------------------------

TAG_RE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
HANDLER_RE = re.compile(r"<[^>]+\s(on[a-z]+)\s*=", re.IGNORECASE)


def _assert_csp(response, url: str) -> int:
    """Header present; every <script>/<style> carries this response's nonce."""
    header = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in header, url
    assert "unsafe-inline" not in header, url
    body = response.content.decode()
    tags = TAG_RE.findall(body)
    # django-csp adds the nonce to the header only once a template has used it
    nonce = re.search(r"'nonce-([^']+)'", header).group(1) if tags else ""
    for tag, attrs in tags:
        if tag.lower() == "script" and 'type="application/json"' in attrs:
            continue  # a json_script data block is never executed; CSP does not apply
        assert f'nonce="{nonce}"' in attrs, f"{url}: <{tag}{attrs}> has no nonce"
    assert not HANDLER_RE.findall(body), f"{url}: inline event handler"
    assert " style=" not in body, f"{url}: inline style attribute"
    assert "javascript:" not in body, f"{url}: javascript: URL"
    return len(tags)


@pytest.fixture
def pages(house, owner_person, community):
    """pks to open detail pages with, by the word in the route name."""
    resident = owner_person.residencies.get()
    return {
        "resident": resident.pk,
        "person": owner_person.pk,
        "house": house.pk,
        "building": house.building_id,
        "unit": house.unit_id,
        "community": community.pk,
    }


def _html_routes() -> list[str]:
    return [n for n in ROUTES if "-" not in n and n not in {"schema", "api-docs"}]


def test_staff_pages_carry_csp_nonces_on_every_script_and_style(
    client, company_admin, pages
):
    # given
    client.force_login(company_admin)
    checked = []
    # when every staff page is opened
    for name in _html_routes():
        if name.startswith("portal:") or name in {"accounts:logout", "set_language"}:
            continue
        url = _url(name, pages)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        # then
        checked.append((name, _assert_csp(response, url)))
    assert ("estates:house_list", 2) in checked
    assert ("estates:house_detail", 2) in checked
    assert len(checked) >= 5


def test_portal_and_login_pages_carry_csp_nonces(client, owner, house):
    # given
    anonymous = [reverse("accounts:login"), reverse("portal:login")]
    owner_pages = [
        reverse("portal:home"),
        reverse("portal:house_detail", args=[house.pk]),
    ]
    # when / then
    for url in anonymous:
        assert _assert_csp(client.get(url), url) == 2
    client.force_login(owner)
    for url in owner_pages:
        response = client.get(url)
        assert response.status_code == 200
        assert _assert_csp(response, url) == 2


def test_lockout_and_error_pages_carry_csp_header(client, agent, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 1
    # when
    locked = client.post(
        reverse("accounts:login"), {"username": "agent", "password": "x"}
    )
    missing = client.get("/no-such-page/")
    # then
    assert locked.status_code == 429
    _assert_csp(locked, "lockout")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    second = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert first != second


def test_security_headers_are_sent(client):
    # when
    response = client.get(reverse("accounts:login"))
    # then
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]


# --- CSRF ---------------------------------------------------------------------------


# Provider callbacks are CSRF-exempt by design and verify a signature instead.
SIGNED_CALLBACKS = {"billing_callback:wechat", "billing_callback:alipay"}


def test_every_page_route_refuses_a_post_without_csrf_token(
    company_admin, pages, house
):
    # given a logged-in admin whose browser sends no CSRF token
    client = Client(enforce_csrf_checks=True)
    client.force_login(company_admin)
    before = _db_state()
    refused = []
    # when every non-API route receives a POST
    for name in ROUTES:
        if "-" in name or name in {"schema", "api-docs"}:
            continue
        response = client.post(_url(name, pages), {"community": house.community_id})
        # then
        if name in SIGNED_CALLBACKS:
            # a payment provider cannot send our CSRF token: the signature is the
            # check, and an unsigned post is refused before anything is read
            assert response.status_code in (400, 401), name
            continue
        assert response.status_code == 403, name
        refused.append(name)
    assert {"accounts:login", "accounts:logout", "portal:login"} <= set(refused)
    assert {"accounts:switch_community", "set_language"} <= set(refused)
    assert _db_state() == before
    assert SESSION_KEY not in client.session


def test_api_refuses_session_authenticated_writes_without_csrf_token(
    company_admin, house
):
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(company_admin)
    before = _db_state()
    # when
    response = client.patch(
        f"/api/v1/houses/{house.pk}/",
        {"note": "changed"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 403
    assert _db_state() == before


def test_login_form_with_its_token_is_accepted(agent, password):
    # given
    client = Client(enforce_csrf_checks=True)
    token = client.get(reverse("accounts:login")).cookies["csrftoken"].value
    # when
    response = client.post(
        reverse("accounts:login"),
        {"username": "agent", "password": password, "csrfmiddlewaretoken": token},
    )
    # then
    assert response.status_code == 302


# --- GET has no side effects --------------------------------------------------------


@pytest.mark.parametrize("who", ["company_admin", "supervisor", "owner"])
def test_no_get_request_changes_the_database(request, client, who, pages):
    # given every route, opened by an admin, a supervisor and an owner
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = _db_state()
    opened = 0
    # when
    for name in ROUTES:
        if name in {"schema", "api-docs"}:
            continue
        try:
            url = _url(name, pages)
        except NoReverseMatch:  # pragma: no cover - a route that needs other kwargs
            continue
        client.get(url)
        opened += 1
    # then
    assert _db_state() == before
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert opened == len(ROUTES) - 2


def test_logout_refuses_get(client, agent):
    client.force_login(agent)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session.get("_auth_user_id") == str(agent.pk)


def test_switch_community_refuses_get(client, agent, community):
    client.force_login(agent)
    response = client.get(
        reverse("accounts:switch_community"), {"community": community.pk}
    )
    assert response.status_code == 405
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("url_name", ["accounts:login", "portal:login"])
def test_login_pages_ignore_credentials_in_a_get(
    client, url_name, agent, owner, password
):
    # when credentials arrive in a query string
    for username in ("agent", owner.username):
        response = client.get(
            reverse(url_name), {"username": username, "password": password}
        )
        # then nobody is logged in
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_switch_community_ignores_communities_of_others(client, agent, other_community):
    # given
    client.force_login(agent)
    # when
    client.post(reverse("accounts:switch_community"), {"community": other_community.pk})
    # then
    assert SESSION_KEY not in client.session


# --- Production settings ------------------------------------------------------------


def _production(code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anju.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "anju.example.cn",
    }
    env.pop("DJANGO_DEBUG", None)
    # the browser tests allow sync DB calls from Playwright's loop in this process only
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production():
    """One process on the production settings: their values, then `check --deploy`."""
    return _production(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.PASSWORD_HASHERS[0]); "
        "from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )


@pytest.mark.slow
def test_production_settings_pass_check_deploy(production):
    assert production.returncode == 0, production.stdout + production.stderr
    assert production.stdout.splitlines()[-1].startswith(
        "System check identified no issues"
    )


@pytest.mark.slow
def test_production_settings_force_https_and_secure_cookies(production):
    assert production.stdout.splitlines()[0].split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    # when
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anju.settings.production"}
    env.pop("DJANGO_SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr
