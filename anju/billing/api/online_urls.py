from rest_framework.routers import SimpleRouter

from . import online

router = SimpleRouter()
router.register(
    "payment-intents", online.PaymentIntentViewSet, basename="payment-intent"
)
urlpatterns = router.urls
