"""Role → permission matrix, declared once. Permission codes are "<app>.<action>".

Actions: view, change (create/edit/delete), import, export; special: pii.reveal,
audit.view, accounts.manage.
"""

from __future__ import annotations

from .choices import Role

ESTATES_READ = {"estates.view"}
ESTATES_WRITE = {"estates.view", "estates.change", "estates.import", "estates.export"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset(ESTATES_READ | {"estates.export"}),
    Role.SUPERVISOR: frozenset(ESTATES_WRITE | {"pii.reveal", "audit.view"}),
    Role.TECHNICIAN: frozenset(ESTATES_READ),
    Role.GUARD: frozenset(ESTATES_READ),
    Role.CLEANER: frozenset(),
    Role.FINANCE: frozenset(ESTATES_READ | {"estates.export"}),
    Role.MANAGER: frozenset(ESTATES_WRITE | {"pii.reveal", "audit.view"}),
    Role.ADMIN: frozenset(
        ESTATES_WRITE | {"pii.reveal", "audit.view", "accounts.view", "accounts.change"}
    ),
    Role.COMMITTEE: frozenset(),
}


# Service desk: agents log and handle tickets; supervisors/managers also dispatch;
# technicians and guards see and work the tickets assigned to them.
SERVICEDESK_HANDLE = {"servicedesk.view", "servicedesk.change"}
SERVICEDESK_DISPATCH = SERVICEDESK_HANDLE | {"servicedesk.assign"}
SERVICEDESK_APPROVE = SERVICEDESK_DISPATCH | {
    "servicedesk.approve",
    "servicedesk.report",
}
SERVICEDESK = {
    Role.AGENT: SERVICEDESK_DISPATCH,
    Role.SUPERVISOR: SERVICEDESK_APPROVE,
    Role.MANAGER: SERVICEDESK_APPROVE,
    Role.ADMIN: SERVICEDESK_APPROVE,
    Role.TECHNICIAN: {"servicedesk.view"},
    Role.GUARD: {"servicedesk.view"},
}
ROLE_PERMISSIONS = {
    role: perms | frozenset(SERVICEDESK.get(role, set()))
    for role, perms in ROLE_PERMISSIONS.items()
}

# Billing: finance staff run bills and take payments; managers and admins also approve
# discounts; agents and supervisors read bills to answer owners' fee questions.
BILLING_CASHIER = {"billing.view", "billing.change", "billing.run"}
BILLING_APPROVE = BILLING_CASHIER | {"billing.approve"}
BILLING = {
    Role.FINANCE: BILLING_CASHIER,
    Role.MANAGER: BILLING_APPROVE,
    Role.ADMIN: BILLING_APPROVE,
    Role.AGENT: {"billing.view"},
    Role.SUPERVISOR: {"billing.view"},
}
ROLE_PERMISSIONS = {
    role: perms | frozenset(BILLING.get(role, set()))
    for role, perms in ROLE_PERMISSIONS.items()
}

# Dunning (催缴): finance, managers and admins run cases and campaigns; agents and
# supervisors see them (and record the outcome of the tasks assigned to them).
DUNNING_CHANGE = {"dunning.view", "dunning.change"}
DUNNING = {
    Role.FINANCE: DUNNING_CHANGE,
    Role.MANAGER: DUNNING_CHANGE,
    Role.ADMIN: DUNNING_CHANGE,
    Role.AGENT: {"dunning.view"},
    Role.SUPERVISOR: {"dunning.view"},
}
ROLE_PERMISSIONS = {
    role: perms | frozenset(DUNNING.get(role, set()))
    for role, perms in ROLE_PERMISSIONS.items()
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
