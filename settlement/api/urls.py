from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("deposits", views.DepositViewSet, basename="api-deposit")

urlpatterns = router.urls
