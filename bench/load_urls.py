"""The product's routes plus ``/bench/floor/``, the view every case of bench/load.py is
compared with. Only bench/load_settings.py uses this URLconf."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as product_urlpatterns


class FloorView(APIView):
    """A bare DRF view: the API's default authentication (the token, its user and roles
    in one query) and permission classes (REST_FRAMEWORK's defaults, as every API view
    inherits them), the same middleware, no work of its own, a constant answer."""

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/floor/", FloorView.as_view()), *product_urlpatterns]
