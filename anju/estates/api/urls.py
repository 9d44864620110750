from rest_framework.routers import SimpleRouter

from . import importexport, views

router = SimpleRouter()
router.register("communities", views.CommunityViewSet, basename="community")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("units", views.UnitViewSet, basename="unit")
router.register("houses", views.HouseViewSet, basename="house")
router.register("persons", views.PersonViewSet, basename="person")
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("parking-spaces", views.ParkingSpaceViewSet, basename="parking-space")
# import/export first: the router's houses/{pk}/ would take "import" as a pk
urlpatterns = importexport.urlpatterns + router.urls
