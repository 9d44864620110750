"""Every named route and the permission it needs, declared once.

Value: a permission code ("estates.view"), `PUBLIC` (no login), `AUTHENTICATED` (any
logged-in user), `OWNER` (owner portal accounts only) or `STAFF` (any staff user).
The test suite walks every URL pattern: a route missing here fails it, and each role is
checked against the permission (allowed → not 403/404, denied → 403/404 with no data).
"""

PUBLIC = "public"
AUTHENTICATED = "authenticated"
OWNER = "owner"
STAFF = "staff"
DJANGO_ADMIN = "django_admin"  # Django's is_staff flag (the /django-admin/ site)

ROUTES: dict[str, str] = {
    "home": AUTHENTICATED,
    "accounts:login": PUBLIC,
    "accounts:logout": AUTHENTICATED,
    "accounts:switch_community": STAFF,
    "accounts:audit_list": "audit.view",
    "estates:house_list": "estates.view",
    "estates:house_detail": "estates.view",
    "estates:house_create": "estates.change",
    "estates:house_edit": "estates.change",
    "estates:house_resident_add": "estates.change",
    "estates:resident_end": "estates.change",
    "estates:person_list": "estates.view",
    "estates:person_detail": "estates.view",
    "estates:person_create": "estates.change",
    "estates:person_edit": "estates.change",
    "estates:person_picker": "estates.change",
    "estates:person_reveal": "pii.reveal",
    "estates:building_list": "estates.view",
    "estates:building_create": "estates.change",
    "estates:unit_create": "estates.change",
    "estates:vehicle_list": "estates.view",
    "estates:vehicle_create": "estates.change",
    "estates:vehicle_edit": "estates.change",
    "estates:parking_list": "estates.view",
    "estates:parking_create": "estates.change",
    "estates:parking_edit": "estates.change",
    "estates:house_import": "estates.import",
    "estates:house_import_template": "estates.import",
    "estates:house_export": "estates.export",
    "portal:home": OWNER,
    "portal:login": PUBLIC,
    "portal:house_detail": OWNER,
    "notifications:inbox": STAFF,
    "notifications:badge": AUTHENTICATED,
    "notifications:read": STAFF,
    "notifications:read_all": STAFF,
    "portal_notifications:inbox": OWNER,
    "portal_notifications:read": OWNER,
    "portal_notifications:read_all": OWNER,
    # service desk (staff UI): reads need servicedesk.view; each action its own code
    "servicedesk:workbench": "servicedesk.view",
    "servicedesk:bulk_assign": "servicedesk.assign",
    "servicedesk:intake": "servicedesk.change",
    "servicedesk:intake_house_search": "servicedesk.change",
    "servicedesk:intake_triage": "servicedesk.change",
    "servicedesk:house_tickets": "servicedesk.view",
    "servicedesk:incoming_call": "servicedesk.view",
    "servicedesk:ticket_detail": "servicedesk.view",
    "servicedesk:ticket_reveal": "pii.reveal",
    "servicedesk:ticket_report_pdf": "servicedesk.view",
    "servicedesk:ticket_accept": "servicedesk.change",
    "servicedesk:ticket_assign": "servicedesk.assign",
    "servicedesk:ticket_start": "servicedesk.view",
    "servicedesk:ticket_pause": "servicedesk.view",
    "servicedesk:ticket_resume": "servicedesk.view",
    "servicedesk:ticket_feedback": "servicedesk.change",
    "servicedesk:ticket_record": "servicedesk.view",
    "servicedesk:ticket_resolve": "servicedesk.view",
    "servicedesk:ticket_close": "servicedesk.change",
    "servicedesk:ticket_reopen": "servicedesk.change",
    "servicedesk:ticket_cancel": "servicedesk.change",
    "servicedesk:ticket_escalate": "servicedesk.view",
    "servicedesk:ticket_urgency": "servicedesk.change",
    "servicedesk:ticket_comment": "servicedesk.view",
    "servicedesk:ticket_visit": "servicedesk.change",
    "servicedesk:ticket_compensation": "servicedesk.change",
    "servicedesk:compensation_decide": "servicedesk.approve",
    # photos: the upload needs the ticket's handler (the service decides); the files
    # go to whoever may see the ticket, owners of its house included
    "servicedesk:ticket_attach": "servicedesk.view",
    "servicedesk:attachment_file": "servicedesk.view|owner",
    "servicedesk:attachment_thumb": "servicedesk.view|owner",
    "servicedesk:report": "servicedesk.report",
    "servicedesk:report_xlsx": "servicedesk.report",
    # billing (staff UI): reads need billing.view; the cashier's writes and the daily
    # settlement billing.change; late-fee runs billing.run. Owners print their own
    # receipts.
    "billing:bill_list": "billing.view",
    "billing:house_ledger": "billing.view",
    "billing:house_summary": "billing.view",
    "billing:house_pay": "billing.change",
    "billing:house_split": "billing.change",
    "billing:house_merge": "billing.change",
    "billing:house_credit_apply": "billing.change",
    "billing:house_prepay": "billing.change",
    "billing:house_discount": "billing.change",
    # 预缴优惠 and 减免审批: everybody with billing.view reads; managers decide
    "billing:incentive_list": "billing.view",
    "billing:incentive_create": "billing.approve",
    "billing:incentive_end": "billing.approve",
    "billing:discount_list": "billing.view",
    "billing:discount_decide": "billing.approve",
    "billing:compensations_apply": "billing.change",
    # 退款: cashiers ask from the house page; 退款审批 read by billing.view, decided by
    # managers (never their own request: the service decides)
    "billing:house_refund": "billing.change",
    "billing:refund_list": "billing.view",
    "billing:refund_decide": "billing.approve",
    # 抄表: readings listed for billing.view; entered and imported with billing.change
    "billing:meter_list": "billing.view",
    "billing:meter_create": "billing.change",
    "billing:meter_import": "billing.change",
    "billing:meter_template": "billing.change",
    "billing:payment_reverse": "billing.change",
    "billing:receipt_pdf": "billing.view|owner",
    "billing:settlement": "billing.change",
    "billing:settlement_xlsx": "billing.change",
    "billing:settlement_pdf": "billing.change",
    "billing:aging": "billing.view",
    "billing:aging_xlsx": "billing.view",
    "billing:late_fee_list": "billing.view",
    "billing:late_fee_run": "billing.run",
    # 财务报表: collection and recovery rates, income, aging, dunning (page and Excel)
    "billing:finance": "billing.view",
    "billing:finance_xlsx": "billing.view",
    # dunning (催缴, staff UI): reads need dunning.view; every change dunning.change,
    # except the outcome of a task, which its assignee records (the service decides)
    "dunning:case_list": "dunning.view",
    "dunning:cases_sync": "dunning.change",
    "dunning:case_detail": "dunning.view",
    "dunning:case_move": "dunning.change",
    "dunning:case_contact": "dunning.change",
    "dunning:case_evidence": "dunning.change",
    "dunning:case_dispute": "dunning.change",
    "dunning:case_dispute_resolve": "dunning.change",
    "dunning:case_close": "dunning.change",
    "dunning:document_pdf": "dunning.view",
    "dunning:evidence_file": "dunning.view",
    "dunning:task_list": "dunning.view",
    "dunning:contact_outcome": "dunning.view",
    "dunning:campaign_list": "dunning.view",
    "dunning:campaign_create": "dunning.change",
    "dunning:campaign_detail": "dunning.view",
    "dunning:campaign_run": "dunning.change",
    "dunning:campaign_end": "dunning.change",
    "dunning:faq": "dunning.view",
    "portal_tickets:ticket_list": OWNER,
    "portal_tickets:ticket_create": OWNER,
    "portal_tickets:ticket_detail": OWNER,
    "portal_tickets:ticket_rate": OWNER,
    "portal_tickets:ticket_attach": OWNER,
    "set_language": PUBLIC,
    "schema": AUTHENTICATED,
    "api-docs": AUTHENTICATED,
    "api-token": PUBLIC,
    "api-me": AUTHENTICATED,
    "api-triage": AUTHENTICATED,
    "api-triage-correction": STAFF,
    # REST API v1 (DRF router names: <basename>-list / -detail / -<action>).
    # "a|b": either permission; "owner" lets portal accounts read their own rows.
    "community-list": "estates.view",
    "community-detail": "estates.view",
    "building-list": "estates.view|owner",
    "building-detail": "estates.view|owner",
    "unit-list": "estates.view",
    "unit-detail": "estates.view",
    "house-list": "estates.view|owner",
    "house-detail": "estates.view|owner",
    "house-import": "estates.import",
    "house-export": "estates.export",
    "person-list": "estates.view|owner",
    "person-detail": "estates.view|owner",
    "person-reveal": "pii.reveal",
    "resident-list": "estates.view|owner",
    "resident-detail": "estates.view|owner",
    "vehicle-list": "estates.view|owner",
    "vehicle-detail": "estates.view|owner",
    "parking-space-list": "estates.view|owner",
    "parking-space-detail": "estates.view|owner",
    "user-list": "accounts.view",
    "user-detail": "accounts.view",
    # notifications: everyone reads and marks their own (others' are 404)
    "notification-list": AUTHENTICATED,
    "notification-detail": AUTHENTICATED,
    "notification-read": AUTHENTICATED,
    # service desk API: owners read, create and rate their own houses' tickets
    "ticket-list": "servicedesk.view|owner",
    "ticket-detail": "servicedesk.view|owner",
    "ticket-accept": "servicedesk.change",
    "ticket-assign": "servicedesk.assign",
    "ticket-start": "servicedesk.view",
    "ticket-pause": "servicedesk.view",
    "ticket-resume": "servicedesk.view",
    "ticket-feedback": "servicedesk.change",
    "ticket-record": "servicedesk.view",
    "ticket-resolve": "servicedesk.view",
    "ticket-close": "servicedesk.change",
    "ticket-reopen": "servicedesk.change",
    "ticket-cancel": "servicedesk.change",
    "ticket-escalate": "servicedesk.view",
    "ticket-urgency": "servicedesk.change",
    "ticket-comment": "servicedesk.view",
    "ticket-visit": "servicedesk.change|owner",
    "ticket-compensation": "servicedesk.change",
    "ticket-attachments": "servicedesk.view|owner",
    "ticket-report": "servicedesk.view",
    "servicedesk-incoming-call": "servicedesk.view",
    "servicedesk-report": "servicedesk.report",
    "compensation-list": "servicedesk.view|owner",
    "compensation-detail": "servicedesk.view|owner",
    "compensation-decide": "servicedesk.approve",
    "audit-event-list": "audit.view",
    "audit-event-detail": "audit.view",
    # billing API: read bills/payments (owners their own houses'); POST records a payment
    "bill-list": "billing.view|owner",
    "payment-list": "billing.view|owner",
    "payment-reverse": "billing.change",
    "payment-batch": "billing.change",
    "receipt-list": "billing.view|owner",
    "receipt-detail": "billing.view|owner",
    "receipt-pdf": "billing.view|owner",
    "billing-settlement": "billing.change",
    "billing-aging": "billing.view",
    "billing-late-fees": "billing.view",
    "billing-late-fee-assess": "billing.run",
    "billing-line-split": "billing.change",
    "billing-line-merge": "billing.change",
    "billing-credit-apply": "billing.change",
    "billing-incentive-list": "billing.view",
    "billing-incentive-end": "billing.approve",
    "billing-prepayment-list": "billing.view|owner",
    "billing-prepayment-quote": "billing.view|owner",
    "billing-discount-list": "billing.view|owner",
    "billing-discount-decide": "billing.approve",
    "billing-compensations-apply": "billing.change",
    "refund-list": "billing.view|owner",
    "refund-decide": "billing.approve",
    "billing-finance": "billing.view",
    # online payment: providers call back unauthenticated; the signature is the check
    "billing_callback:wechat": PUBLIC,
    "billing_callback:alipay": PUBLIC,
    # owner portal: bills, online payment (sandbox cashier in development), records
    "portal_billing:bill_list": OWNER,
    "portal_billing:pay": OWNER,
    "portal_billing:prepay": OWNER,
    "portal_billing:payment_list": OWNER,
    "portal_billing:receipt_list": OWNER,
    "portal_billing:intent_detail": OWNER,
    "portal_billing:intent_check": OWNER,
    "portal_billing:sandbox_pay": OWNER,
    # online payment orders: owners for their own houses, cashiers for their community
    "payment-intent-list": "billing.change|owner",
    "payment-intent-detail": "billing.view|owner",
    # dunning API: cases, contacts and stage moves; effectiveness for the finance report
    "dunning-case-list": "dunning.view",
    "dunning-case-detail": "dunning.view",
    "dunning-case-move": "dunning.change",
    "dunning-case-contacts": "dunning.change",
    "dunning-contact-list": "dunning.view",
    "dunning-contact-detail": "dunning.view",
    "dunning-contact-outcome": "dunning.view",
    "dunning-faq-list": "dunning.view",
    "dunning-effectiveness": "dunning.view",
    # Django admin: its own login, for accounts flagged is_staff only.
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
}

# Every route in a namespace listed here needs that code, unless named in ROUTES.
NAMESPACES: dict[str, str] = {
    "admin": DJANGO_ADMIN,
}


def allows(code: str, user: object) -> bool:
    """Whether `user` passes the route code (anonymous users only PUBLIC)."""
    if code == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    is_owner = bool(getattr(user, "is_owner_account", False))
    for part in code.split("|"):
        if part == AUTHENTICATED:
            return True
        if part == OWNER and is_owner:
            return True
        if part == STAFF and not is_owner:
            return True
        if part == DJANGO_ADMIN and getattr(user, "is_staff", False):
            return True
        if "." in part and user.has_role_perm(part):  # type: ignore[attr-defined]
            return True
    return False


def route_code(name: str) -> str | None:
    """The code a named route needs, or None if the route is not declared."""
    if name in ROUTES:
        return ROUTES[name]
    namespace = name.split(":", 1)[0] if ":" in name else ""
    return NAMESPACES.get(namespace)
