"""Roles and account kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("客服")
    SUPERVISOR = "supervisor", _("客服主管")
    TECHNICIAN = "technician", _("维修工")
    GUARD = "guard", _("安保")
    CLEANER = "cleaner", _("保洁")
    FINANCE = "finance", _("财务/收费员")
    MANAGER = "manager", _("项目经理")
    ADMIN = "admin", _("系统管理员")
    COMMITTEE = "committee", _("业委会成员")


class AccountKind(models.TextChoices):
    STAFF = "staff", _("员工")
    OWNER = "owner", _("业主/住户")
