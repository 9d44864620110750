from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
]
