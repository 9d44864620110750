"""Service-desk benchmark: 1,000,000 tickets across 10 communities.

Seeds its own database (SQLite file under var/bench-db/, PostgreSQL `anju_bench`) with
10 communities × 1,000 houses and 100,000 tickets each over the past year — 99.4 %
closed, the rest an open backlog of about two days in every state (some clocks run out,
some escalated) — by raw bulk inserts, then measures:

- queue pages (`/servicedesk/?queue=…` with typical filters) and the API list
  (`/api/v1/tickets/?…`) through Django's test client, p50/p95 of 30 requests each, for
  an agent of one community and a supervisor of three (goal p95 < 100 ms);
- the breach scan over all of them (`scan_breaches`: first run, which finds the overdue
  clocks, and a steady-state run; goal < 1 s);
- the service-desk report of one community-month (goal < 1 s);
- ticket creation through the API under gunicorn (one sync worker per core, two client
  threads per worker, token auth) for 15 s (goal ≥ 200 tickets/s; `bench/_http.py`).

    .venv/bin/python bench/servicedesk.py                       # both backends
    .venv/bin/python bench/servicedesk.py --backend sqlite --tickets 200000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import percentile, report, setup_django, teardown  # noqa: E402

COMMUNITIES = 10
HOUSES_PER_COMMUNITY = 1000
GOAL_LIST_MS = 100
GOAL_SCAN_S = 1.0
GOAL_REPORT_S = 1.0
GOAL_CREATE_PER_S = 200
REQUESTS = 30
PASSWORD = "bench-pass-123"


def seed(tickets: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.core import bulk
    from anju.estates.models import Building, Community, Company, House, Unit
    from anju.servicedesk.choices import (
        NUMBER_PREFIX,
        Category,
        Channel,
        Status,
        TicketType,
        Urgency,
    )
    from anju.servicedesk.models import Ticket

    rng = random.Random(11)
    start = time.perf_counter()
    company = Company.objects.create(code="anju", name="安居物业")
    communities = [
        Community.objects.create(company=company, code=f"c{i}", name=f"小区{i:02d}")
        for i in range(COMMUNITIES)
    ]
    password = make_password(PASSWORD)
    agents, supervisors = [], []
    for c in communities:
        a = User.objects.create(
            username=f"agent{c.code}",
            role=Role.AGENT,
            company=company,
            password=password,
        )
        a.communities.set([c])
        agents.append(a)
        s = User.objects.create(
            username=f"sup{c.code}",
            role=Role.SUPERVISOR,
            company=company,
            password=password,
        )
        s.communities.set(communities[:3] if c is communities[0] else [c])
        supervisors.append(s)
    houses: dict[int, list[int]] = {}
    with transaction.atomic():
        for c in communities:
            building = Building.objects.create(community=c, number="1")
            unit = Unit.objects.create(community=c, building=building, number="1")
            objs = [
                House(
                    community=c,
                    building=building,
                    unit=unit,
                    room=f"{n:04d}",
                    number=f"1-1-{n:04d}",
                    floor=n // 10,
                    building_area=100,
                )
                for n in range(HOUSES_PER_COMMUNITY)
            ]
            bulk.insert_objects(House, objs)
            houses[c.pk] = [h.pk for h in objs]
    now = timezone.now()
    fields = [f for f in Ticket._meta.concrete_fields if f.column != "id"]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.has_default():
            value = f.get_default()
            defaults[f.attname] = value
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    types = list(TicketType.values)
    cats = list(Category.values)
    chans = list(Channel.values)
    open_states = [
        Status.NEW,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
    ]
    per = tickets // COMMUNITIES
    seq: dict[str, int] = {}

    def rows(community, agent):
        for _ in range(per):
            created = now - timedelta(seconds=rng.randint(60, 365 * 86400))
            kind = rng.choice(types)
            key = f"{NUMBER_PREFIX[kind]}{created.year}"
            seq[key] = seq.get(key, 0) + 1
            # The open backlog of a busy company group: about two days of intake
            # (0.6 % of a year), each state as old as it usually gets, so that some
            # clocks have run out and most have not.
            is_open = rng.random() < 0.006
            status = rng.choice(open_states) if is_open else Status.CLOSED
            if is_open:
                age_minutes = {
                    Status.NEW: 45,
                    Status.ACCEPTED: 6 * 60,
                    Status.ASSIGNED: 12 * 60,
                    Status.IN_PROGRESS: 60 * 60,
                    Status.RESOLVED: 60 * 60,
                }[status]
                created = now - timedelta(minutes=rng.randint(1, age_minutes))
            row = dict(defaults)
            row.update(
                company_id=company.pk,
                community_id=community.pk,
                number=f"{key}-{seq[key]:06d}",
                type=kind,
                channel=rng.choice(chans),
                category=rng.choice(cats),
                urgency=Urgency.NORMAL if rng.random() < 0.9 else Urgency.URGENT,
                status=status,
                house_id=rng.choice(houses[community.pk]),
                contact_name="业主",
                contact_phone="13900000000",
                description="楼道灯不亮了，麻烦尽快来修",
                created_by_id=agent.pk,
                created_at=created,
                ack_due_at=created + timedelta(minutes=30),
                onsite_due_at=created + timedelta(hours=4),
                resolve_due_at=created + timedelta(hours=48),
                escalated=is_open and rng.random() < 0.1,
            )
            if status != Status.NEW:
                row["accepted_at"] = created + timedelta(minutes=rng.randint(1, 40))
            if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED):
                row["assignee_id"] = agent.pk if rng.random() < 0.5 else None
                row["assigned_at"] = row["accepted_at"]
            if status in (Status.RESOLVED, Status.CLOSED):
                resolved = created + timedelta(hours=rng.randint(1, 60))
                row["resolved_at"] = min(resolved, now - timedelta(minutes=1))
                row["visit_due_at"] = row["resolved_at"] + timedelta(hours=24)
            if status == Status.CLOSED:
                row["closed_at"] = row["resolved_at"] + timedelta(hours=24)
            yield tuple(row[f.attname] for f in fields)

    with transaction.atomic():
        for community, agent in zip(communities, agents, strict=True):
            bulk.insert_rows(
                Ticket, columns, rows(community, agent), ignore_conflicts=False
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "seconds": time.perf_counter() - start,
        "communities": communities,
        "agent": agents[0],
        "supervisor": supervisors[0],
    }


QUEUE_URLS = [
    "/servicedesk/?queue=unassigned",
    "/servicedesk/?queue=mine",
    "/servicedesk/?queue=team",
    "/servicedesk/?queue=overdue",
    "/servicedesk/?queue=visit",
    "/servicedesk/?queue=escalated",
    "/servicedesk/?queue=all&type=complaint&category=noise",
    "/servicedesk/?queue=all&status=closed&page=3",
    "/api/v1/tickets/?queue=unassigned",
    "/api/v1/tickets/?queue=overdue",
    "/api/v1/tickets/?type=repair&status=closed",
    "/api/v1/tickets/?category=elevator&urgency=urgent",
]


def time_lists(user, label: str) -> list[dict]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    figures = []
    for url in QUEUE_URLS:
        client.get(url)  # warm
        times = []
        for _ in range(REQUESTS):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        figures.append((url, percentile(times, 50), percentile(times, 95)))
    worst = max(figures, key=lambda f: f[2])
    out = []
    for url, p50, p95 in figures:
        print(f"#   {label} {url}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    out.append(
        {
            "name": f"list_pages_{label}_worst_p95",
            "value": round(worst[2], 1),
            "unit": "ms",
            "goal": f"< {GOAL_LIST_MS} ms",
            "ok": worst[2] < GOAL_LIST_MS,
            "note": worst[0],
        }
    )
    out.append(
        {
            "name": f"list_pages_{label}_median_p50",
            "value": round(sorted(f[1] for f in figures)[len(figures) // 2], 1),
            "unit": "ms",
        }
    )
    return out


def time_scan() -> list[dict]:
    """The minute-by-minute scan in steady state: the first run catches up on every
    clock that ran out before the benchmark started (reported, no goal); then 200
    open tickets fall due and the next run must find them; then a run with nothing
    new."""
    from datetime import timedelta

    from django.utils import timezone

    from anju.servicedesk.breaches import scan_breaches
    from anju.servicedesk.choices import Status
    from anju.servicedesk.models import SLABreach, Ticket

    t = time.perf_counter()
    first = scan_breaches()
    catch_up = time.perf_counter() - t
    out = [
        {
            "name": "breach_scan_catch_up",
            "value": round(catch_up, 3),
            "unit": "s",
            "note": f"{sum(first.values())} breaches recorded at once",
        }
    ]
    now = timezone.now()
    due = list(
        Ticket.objects.filter(status=Status.NEW, ack_due_at__gt=now).values_list(
            "pk", flat=True
        )[:200]
    )
    Ticket.objects.filter(pk__in=due).update(ack_due_at=now - timedelta(seconds=30))
    for label in ("new_due", "nothing_new"):
        t = time.perf_counter()
        found = scan_breaches()
        seconds = time.perf_counter() - t
        out.append(
            {
                "name": f"breach_scan_{label}",
                "value": round(seconds, 3),
                "unit": "s",
                "goal": f"< {GOAL_SCAN_S} s",
                "ok": seconds < GOAL_SCAN_S,
                "note": f"{sum(found.values())} new breaches",
            }
        )
    print(f"#   breaches recorded: {SLABreach.objects.count()}", flush=True)
    return out


def time_report(community) -> list[dict]:
    """The busiest month: the report of last month for one community, worst of 5."""
    from datetime import datetime
    from datetime import time as dtime

    from django.utils import timezone

    from anju.servicedesk.reports import month_bounds, servicedesk_report

    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    first, following = month_bounds(month)
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, dtime.min, tzinfo=tz)
    end = datetime.combine(following, dtime.min, tzinfo=tz)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        figures = servicedesk_report(community_id=community.pk, start=start, end=end)
        times.append(time.perf_counter() - t)
    worst = max(times)
    print(f"#   report {month}: {figures['total']} tickets", flush=True)
    return [
        {
            "name": "report_community_month",
            "value": round(worst, 3),
            "unit": "s",
            "goal": f"< {GOAL_REPORT_S} s",
            "ok": worst < GOAL_REPORT_S,
            "note": f"{figures['total']} tickets, worst of 5",
        }
    ]


def time_create(agent, house_ids: list[int], seconds: float = 15.0) -> list[dict]:
    from rest_framework.authtoken.models import Token

    from bench import _http

    token = Token.objects.get_or_create(user=agent)[0].key
    categories = ["electrical", "plumbing", "elevator", "facilities", "sanitation"]
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def request() -> tuple[str, dict[str, str]]:
        body = {
            "house": random.choice(house_ids),
            "type": "repair",
            "channel": "phone",
            "category": random.choice(categories),
            "urgency": "normal",
            "contact_name": "王先生",
            "contact_phone": "13900001111",
            "description": "客厅插座没电了，其他房间正常",
        }
        return json.dumps(body), headers

    with _http.gunicorn() as (port, pids):
        load = _http.hammer(
            port=port,
            pids=pids,
            path="/api/v1/tickets/",
            request=request,
            seconds=seconds,
        )
    print(load.describe("tickets created", _http.WORKERS), flush=True)
    return [
        _http.figure("api_create_tickets_per_s", load, GOAL_CREATE_PER_S, "tickets/s")
    ]


def run(backend: str, tickets: int) -> None:
    setup_django(backend, "servicedesk")
    seeded = seed(tickets)
    results = [
        {
            "name": f"seed_{tickets}_tickets",
            "value": round(seeded["seconds"], 1),
            "unit": "s",
        }
    ]
    results += time_lists(seeded["agent"], "agent")
    results += time_lists(seeded["supervisor"], "supervisor_3_communities")
    results += time_report(seeded["communities"][0])
    results += time_scan()
    from anju.estates.models import House

    house_ids = list(
        House.objects.filter(community=seeded["communities"][0]).values_list(
            "pk", flat=True
        )
    )
    results += time_create(seeded["agent"], house_ids)
    for r in results:
        r["name"] = f"{r['name']}_{backend}"
    report(f"servicedesk_{backend}", results)
    teardown(backend, "servicedesk")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.tickets)
        return
    for backend in ("sqlite", "postgres"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--tickets",
                str(args.tickets),
            ],
            check=False,
        )


if __name__ == "__main__":
    main()
