from django.urls import path

from . import report_views, views

app_name = "servicedesk"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("new/", views.intake, name="intake"),
    path("new/houses/", views.intake_house_search, name="intake_house_search"),
    path("new/triage/", views.intake_triage, name="intake_triage"),
    path("houses/<int:pk>/tickets/", views.house_tickets, name="house_tickets"),
    path("incoming-call/", views.incoming_call, name="incoming_call"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/reveal/", views.ticket_reveal, name="ticket_reveal"),
    path(
        "tickets/<int:pk>/report.pdf",
        views.ticket_report_pdf,
        name="ticket_report_pdf",
    ),
    *(
        path(
            f"tickets/<int:pk>/{name}/", views.action_view(name), name=f"ticket_{name}"
        )
        for name in views.ACTIONS
    ),
    path("report/", report_views.report, name="report"),
    path("report.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("tickets/<int:pk>/photos/", views.ticket_attach, name="ticket_attach"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path(
        "attachments/<int:pk>/thumb/", views.attachment_thumb, name="attachment_thumb"
    ),
    path(
        "compensations/<int:pk>/decide/",
        views.compensation_decide,
        name="compensation_decide",
    ),
]
