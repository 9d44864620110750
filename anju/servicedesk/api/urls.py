from django.urls import path
from rest_framework.routers import SimpleRouter

from . import compensations, report, views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register(
    "compensations", compensations.CompensationViewSet, basename="compensation"
)
urlpatterns = [
    path(
        "servicedesk/incoming-call/",
        views.IncomingCallView.as_view(),
        name="servicedesk-incoming-call",
    ),
    path(
        "servicedesk/report/",
        report.ServiceDeskReportView.as_view(),
        name="servicedesk-report",
    ),
    *router.urls,
]
