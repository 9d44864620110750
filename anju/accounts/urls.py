from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("switch-community/", views.switch_community, name="switch_community"),
    path("audit/", views.audit_list, name="audit_list"),
]
