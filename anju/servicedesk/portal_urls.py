from django.urls import path

from . import portal_views

app_name = "portal_tickets"
urlpatterns = [
    path("", portal_views.ticket_list, name="ticket_list"),
    path("new/", portal_views.ticket_create, name="ticket_create"),
    path("<int:pk>/", portal_views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/rate/", portal_views.ticket_rate, name="ticket_rate"),
    path("<int:pk>/photos/", portal_views.ticket_attach, name="ticket_attach"),
]
