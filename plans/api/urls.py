from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("plans", views.PlanViewSet, basename="api-plan")
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("recommendations", views.RecommendationViewSet, basename="api-recommendation")

urlpatterns = router.urls
