"""Community scoping: the one rule every page, API, export, search and job starts from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from anju.accounts.models import User


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user, action)` filters rows by the user's role and communities.

    Models declare `scope_community` (lookup path to their Community, "" for Community
    itself) and, if owners may see them, `scope_owner_house` (lookup path to House, "" for
    House itself). The permission checked is "<app_label>.<action>". `scope_company`
    overrides the company path for company admins; `scope_many` marks paths that cross
    a to-many relation, filtered through a pk subquery so rows are never duplicated.
    `scope_perm_app` names the permission prefix when it is not the app label (the audit
    log lives in core but is guarded by "audit.view"); `scope_superuser_all` lets
    superusers see rows that belong to no community (e.g. lockouts of unknown names).
    """

    def _scoped(self, lookup: dict[str, Any]) -> ScopedQuerySet:
        if getattr(self.model, "scope_many", False):
            inner = self.model._base_manager.filter(**lookup).values("pk")
            return self.filter(pk__in=inner)
        return self.filter(**lookup)

    def visible_to(self, user: User | Any, action: str = "view") -> ScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        model = self.model
        if getattr(user, "is_owner_account", False):
            path = getattr(model, "scope_owner_house", None)
            if path is None or action != "view":
                return self.none()
            key = f"{path}__in" if path else "pk__in"
            return self._scoped({key: user.owned_house_ids()})
        app = getattr(model, "scope_perm_app", None) or model._meta.app_label
        if not user.has_role_perm(f"{app}.{action}"):
            return self.none()
        if user.is_superuser and getattr(model, "scope_superuser_all", False):
            return self.all()
        path = model.scope_community
        if user.is_company_admin:
            key = getattr(model, "scope_company", None) or (
                f"{path}__company_id" if path else "company_id"
            )
            return self._scoped({key: user.company_id})
        key = f"{path}__in" if path else "pk__in"
        return self._scoped({key: user.community_ids()})

    def in_community(self, community_id: int | None) -> ScopedQuerySet:
        """Narrow to the community chosen in the switcher (None = all visible)."""
        if not community_id:
            return self
        path = self.model.scope_community
        return self._scoped({path if path else "pk": community_id})
