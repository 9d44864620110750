from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("bills", views.BillViewSet, basename="bill")
router.register("payments", views.PaymentViewSet, basename="payment")
urlpatterns = router.urls
