"""Demo data: a small community group with staff logins (replaced by the full generator)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from anju.accounts.choices import AccountKind, Role
from anju.accounts.models import User
from anju.estates.models import Community, Company


class Command(BaseCommand):
    help = "Build demo data (idempotent with --once)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--houses", type=int, default=2000)
        parser.add_argument(
            "--once", action="store_true", help="do nothing if data exists"
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if opts["once"] and Company.objects.exists():
            self.stdout.write("演示数据已存在，跳过。")
        else:
            company, _ = Company.objects.get_or_create(
                code="anju", defaults={"name": "安居物业"}
            )
            Community.objects.get_or_create(
                company=company, code="lsy", defaults={"name": "绿水苑"}
            )
            User.objects.filter(username="admin").exists() or User.objects.create_user(
                "admin",
                password=settings.ANJU_DEMO_PASSWORD,
                role=Role.ADMIN,
                kind=AccountKind.STAFF,
                company=company,
                display_name="系统管理员",
            )
        self.stdout.write(f"演示登录: admin / {settings.ANJU_DEMO_PASSWORD}")
