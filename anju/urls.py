"""Root URLs: staff UI, owner portal, REST API v1, admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from anju.accounts import views as account_views
from anju.accounts.api.docs import SwaggerView

api_v1 = [
    path("", include("anju.accounts.api.urls")),
    path("", include("anju.estates.api.urls")),
    path("", include("anju.billing.api.urls")),
    path("", include("anju.billing.api.online_urls")),
    path("", include("anju.notifications.api.urls")),
    path("", include("anju.triage.api.urls")),
    path("", include("anju.servicedesk.api.urls")),
    path("", include("anju.dunning.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("anju.accounts.urls")),
    path("estates/", include("anju.estates.urls")),
    path("notifications/", include("anju.notifications.urls")),
    path("portal/notifications/", include("anju.notifications.portal_urls")),
    path("portal/tickets/", include("anju.servicedesk.portal_urls")),
    path("portal/bills/", include("anju.billing.portal_urls")),
    path("servicedesk/", include("anju.servicedesk.urls")),
    path("billing/", include("anju.billing.urls")),
    path("dunning/", include("anju.dunning.urls")),
    path("billing/callback/", include("anju.billing.callback_urls")),
    path("portal/", include("anju.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("django-admin/", admin.site.urls),
]
