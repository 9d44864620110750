"""The audit log is scoped like every other list: by audit.view and the user's communities."""

from __future__ import annotations

import pytest

from anju.accounts.tests.factories import StaffFactory
from anju.core.audit import record
from anju.core.models import AuditAction
from anju.estates.tests.factories import CommunityFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(community, other_community, supervisor):
    return {
        "here": record(
            actor=supervisor,
            action=AuditAction.UPDATE,
            object_type="estates.house",
            object_id="1",
            community_id=community.pk,
            reason="本小区",
        ),
        "there": record(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="estates.house",
            object_id="2",
            community_id=other_community.pk,
            reason="其他小区",
        ),
        "nowhere": record(
            actor=None,
            action=AuditAction.LOGIN_LOCKED,
            object_type="accounts.user",
            object_id="ghost",
            reason="未知账号",
        ),
    }


def _api_reasons(client, user):
    client.force_login(user)
    response = client.get("/api/v1/audit-events/")
    return response.status_code, {
        e["reason"] for e in response.json().get("results", [])
    }


def test_supervisor_sees_only_own_community_events_in_api_and_page(
    client, supervisor, events
):
    status, reasons = _api_reasons(client, supervisor)
    assert status == 200
    assert reasons == {"本小区"}
    page = client.get("/accounts/audit/").content.decode()
    assert "本小区" in page
    assert "其他小区" not in page
    assert "未知账号" not in page


def test_company_admin_sees_every_community_of_the_company_only(
    client, company_admin, events
):
    foreign = CommunityFactory(company=CompanyFactory(name="别家物业", code="other"))
    record(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="estates.house",
        object_id="3",
        community_id=foreign.pk,
        reason="别家公司",
    )
    status, reasons = _api_reasons(client, company_admin)
    assert status == 200
    assert reasons == {"本小区", "其他小区"}


def test_superuser_sees_events_without_community(client, community, events):
    root = StaffFactory(is_superuser=True, company=community.company)
    status, reasons = _api_reasons(client, root)
    assert status == 200
    assert {"本小区", "其他小区", "未知账号"} <= reasons


def test_agent_without_audit_view_gets_nothing(client, agent, events):
    client.force_login(agent)
    assert client.get("/api/v1/audit-events/").status_code in (403, 404)
    assert client.get("/accounts/audit/").status_code == 404
