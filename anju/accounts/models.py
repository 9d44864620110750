"""Accounts: staff and owner users, community assignment."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from anju.core.querysets import ScopedQuerySet

from .choices import AccountKind, Role
from .permissions import role_has


class AnjuUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member or an owner/resident with a portal login."""

    kind = models.CharField(
        _("账号类型"),
        max_length=10,
        choices=AccountKind.choices,
        default=AccountKind.STAFF,
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    company = models.ForeignKey(
        "estates.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("公司"),
    )
    communities = models.ManyToManyField(
        "estates.Community",
        blank=True,
        related_name="staff",
        verbose_name=_("负责小区"),
    )

    scope_community = "communities"
    scope_company = "company_id"
    scope_many = True
    objects = AnjuUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_owner_account(self) -> bool:
        return self.kind == AccountKind.OWNER

    @property
    def is_company_admin(self) -> bool:
        return self.kind == AccountKind.STAFF and (
            self.role == Role.ADMIN or self.is_superuser
        )

    def has_role_perm(self, perm: str) -> bool:
        if not self.is_active or self.kind != AccountKind.STAFF:
            return False
        if self.is_superuser:
            return True
        return role_has(self.role, perm)

    @cached_property
    def _community_ids(self) -> list[int]:
        from anju.estates.models import Community

        if self.is_company_admin:
            return list(
                Community.objects.filter(company_id=self.company_id).values_list(
                    "pk", flat=True
                )
            )
        return list(self.communities.values_list("pk", flat=True))

    def community_ids(self) -> list[int]:
        """Communities this staff member works in (all of the company for admins)."""
        return self._community_ids

    @cached_property
    def _owned_house_ids(self) -> list[int]:
        from anju.estates.models import HouseResident

        return list(
            HouseResident.objects.filter(person__user=self, active=True).values_list(
                "house_id", flat=True
            )
        )

    def owned_house_ids(self) -> list[int]:
        """Houses an owner/resident account may see."""
        return self._owned_house_ids
