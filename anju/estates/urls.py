from django.urls import path

from . import views

app_name = "estates"
urlpatterns = [
    path("houses/", views.house_list, name="house_list"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
]
