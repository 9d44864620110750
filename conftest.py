"""Shared fixtures: actors of every role, a community they work in, and another one."""

from __future__ import annotations

import pytest

from anju.accounts.choices import Role
from anju.accounts.tests.factories import PASSWORD, OwnerUserFactory, StaffFactory
from anju.estates.tests.factories import (
    CommunityFactory,
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def community(db):
    return CommunityFactory(name="绿水苑", code="lsy")


@pytest.fixture
def other_community(db):
    return CommunityFactory(name="青山府", code="qsf")


def _staff(role, community, **kw):
    return StaffFactory(role=role, communities=[community], **kw)


@pytest.fixture
def agent(community):
    return _staff(Role.AGENT, community, username="agent")


@pytest.fixture
def supervisor(community):
    return _staff(Role.SUPERVISOR, community, username="supervisor")


@pytest.fixture
def technician(community):
    return _staff(Role.TECHNICIAN, community, username="tech")


@pytest.fixture
def guard(community):
    return _staff(Role.GUARD, community, username="guard")


@pytest.fixture
def finance(community):
    return _staff(Role.FINANCE, community, username="finance")


@pytest.fixture
def manager(community):
    return _staff(Role.MANAGER, community, username="manager")


@pytest.fixture
def company_admin(community):
    return StaffFactory(role=Role.ADMIN, username="admin", company=community.company)


@pytest.fixture
def outsider(other_community):
    """A supervisor of another community: must never see this community's data."""
    return _staff(Role.SUPERVISOR, other_community, username="outsider")


@pytest.fixture
def house(community):
    return HouseFactory(
        unit__building__community=community,
        unit__building__number="3",
        unit__number="2",
        room="1201",
    )


@pytest.fixture
def owner_person(house):
    person = PersonFactory(
        company=house.community.company, name="张三", phone="13812341234"
    )
    HouseResidentFactory(house=house, person=person)
    return person


@pytest.fixture
def owner(owner_person):
    """The portal account of 张三, owner of 3-2-1201."""
    user = OwnerUserFactory(username=owner_person.phone, company=owner_person.company)
    owner_person.user = user
    owner_person.save()
    return user


@pytest.fixture
def fee_faq(db):
    """The fee FAQ the dunning migration seeds. Tests on a transactional database (live
    server, threads) empty every table when they finish, data migrations' rows
    included; a test that needs the FAQ asks for this fixture and gets it back."""
    import importlib

    from django.apps import apps

    from anju.dunning.models import FaqEntry

    if not FaqEntry.objects.exists():
        importlib.import_module("anju.dunning.migrations.0002_fee_faq").seed(apps, None)
