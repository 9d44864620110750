from django.urls import path

from . import views

app_name = "dunning"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("sync/", views.cases_sync, name="cases_sync"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:pk>/evidence/", views.case_evidence, name="case_evidence"),
    path("cases/<int:pk>/dispute/", views.case_dispute, name="case_dispute"),
    path(
        "cases/<int:pk>/dispute/resolve/",
        views.case_dispute_resolve,
        name="case_dispute_resolve",
    ),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("documents/<int:pk>/pdf/", views.document_print, name="document_pdf"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("tasks/", views.task_list, name="task_list"),
    path("contacts/<int:pk>/outcome/", views.contact_outcome, name="contact_outcome"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/run/", views.campaign_run, name="campaign_run"),
    path("campaigns/<int:pk>/end/", views.campaign_end, name="campaign_end"),
    path("faq/", views.faq, name="faq"),
]
