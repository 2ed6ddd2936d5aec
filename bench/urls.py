"""The product's routes plus the bare view the calculators are compared with. Only the
load run's settings (bench/settings.py) use this URLconf."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as product_urlpatterns


class BareView(APIView):
    """The same authentication and middleware as every API view, and nothing else: no
    query of its own, no validation, a constant answer."""

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [path("api/v1/bench/bare/", BareView.as_view()), *product_urlpatterns]
