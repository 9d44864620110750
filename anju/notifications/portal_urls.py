from django.urls import path

from . import views

app_name = "portal_notifications"
urlpatterns = [
    path("", views.portal_inbox, name="inbox"),
    path("read-all/", views.portal_mark_all_read, name="read_all"),
    path("<int:pk>/read/", views.portal_mark_read, name="read"),
]
