from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("dunning/cases", views.CaseViewSet, basename="dunning-case")
router.register("dunning/contacts", views.ContactViewSet, basename="dunning-contact")
router.register("dunning/faq", views.FaqViewSet, basename="dunning-faq")
urlpatterns = [
    path(
        "dunning/effectiveness/",
        views.EffectivenessView.as_view(),
        name="dunning-effectiveness",
    ),
    *router.urls,
]
