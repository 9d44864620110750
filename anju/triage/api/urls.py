from django.urls import path

from . import views

urlpatterns = [
    path("triage/", views.TriageView.as_view(), name="api-triage"),
    path(
        "triage/corrections/",
        views.TriageCorrectionView.as_view(),
        name="api-triage-correction",
    ),
]
