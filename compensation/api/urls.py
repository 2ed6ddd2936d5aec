from django.urls import path
from rest_framework.routers import SimpleRouter

from . import calculate, profits, runs

router = SimpleRouter(trailing_slash=True)
router.register("payroll-runs", runs.PayrollRunViewSet, basename="api-payroll-run")
router.register("payslips", runs.PayslipViewSet, basename="api-payslip")

urlpatterns = [
    path("profit-records/", profits.ProfitRecordUpsertView.as_view(), name="api-profit-records"),
    path("compensation/calculate/", calculate.CompensationCalculateView.as_view(), name="api-compensation-calculate"),
    *router.urls,
    # API.md spells the file paths without a trailing slash.
    path("payroll-runs/<int:pk>/export.xlsx", runs.RunExportView.as_view(), name="api-payroll-run-export"),
    path(
        "payroll-runs/<int:pk>/payslips/<str:username>.pdf",
        runs.PayslipPdfView.as_view(),
        name="api-payroll-run-payslip",
    ),
]
