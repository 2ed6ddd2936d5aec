from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("activities", views.ActivityViewSet, basename="api-activity")

urlpatterns = router.urls
