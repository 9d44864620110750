"""Factories for staff and owner accounts."""

from __future__ import annotations

import factory

from anju.accounts.choices import AccountKind, Role
from anju.accounts.models import User
from anju.estates.tests.factories import CompanyFactory

PASSWORD = "anju-test-pass"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    kind = AccountKind.STAFF
    role = Role.AGENT
    company = factory.SubFactory(CompanyFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.communities.set(extracted)
        if create:
            self.save()


class OwnerUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"139{n:08d}")
    phone = factory.SelfAttribute("username")
    kind = AccountKind.OWNER
    company = factory.SubFactory(CompanyFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.save()
