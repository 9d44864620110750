from django.urls import path

from . import views, views_io

app_name = "estates"
urlpatterns = [
    path("houses/", views.house_list, name="house_list"),
    path("houses/new/", views.house_create, name="house_create"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
    path("houses/<int:pk>/edit/", views.house_edit, name="house_edit"),
    path(
        "houses/<int:pk>/residents/",
        views.house_resident_add,
        name="house_resident_add",
    ),
    path("residents/<int:pk>/end/", views.resident_end, name="resident_end"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/picker/", views.person_picker, name="person_picker"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views.building_create, name="building_create"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/new/", views.vehicle_create, name="vehicle_create"),
    path("vehicles/<int:pk>/edit/", views.vehicle_edit, name="vehicle_edit"),
    path("parking/", views.parking_list, name="parking_list"),
    path("parking/new/", views.parking_create, name="parking_create"),
    path("parking/<int:pk>/edit/", views.parking_edit, name="parking_edit"),
    # Excel import/export of houses (views_io.py)
    path("houses/import/", views_io.house_import, name="house_import"),
    path(
        "houses/import/template/",
        views_io.house_import_template,
        name="house_import_template",
    ),
    path("houses/export/", views_io.house_export, name="house_export"),
]
