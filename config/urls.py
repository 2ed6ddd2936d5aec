from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workplace.forms import AdminLoginForm
from workplace.language import set_language

# The admin's login refuses an over-long username like the pages' (workplace.forms).
admin.site.login_form = AdminLoginForm

api_v1 = [
    path("", include("workplace.api.urls")),
    path("", include("merchants.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("commissions.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("compensation.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("settlement.api.urls")),
    path("", include("alliance.api.urls")),
    path("", include("dashboards.api.urls")),
]

urlpatterns = [
    # Django's language switch, also remembering the choice as the user's own.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("portal/", include("merchants.urls")),
    path("scoring/", include("scoring.urls")),
    path("commissions/", include("commissions.urls")),
    path("complaints/", include("complaints.urls")),
    path("compensation/", include("compensation.urls")),
    path("plans/", include("plans.urls")),
    path("settlement/", include("settlement.urls")),
    path("alliance/", include("alliance.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("", include("workplace.urls")),
]

handler400 = "workplace.errors.bad_request"
handler403 = "workplace.errors.permission_denied"
handler404 = "workplace.errors.page_not_found"
handler500 = "workplace.errors.server_error"
