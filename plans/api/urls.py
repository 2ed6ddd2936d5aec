from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("plans", views.PlanViewSet, basename="api-plan")
router.register("regions", views.RegionViewSet, basename="api-region")

urlpatterns = router.urls
