from rest_framework.routers import SimpleRouter

from . import views

app_name = "complaints-api"

router = SimpleRouter(trailing_slash=True)
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = [
    *router.urls,
]
