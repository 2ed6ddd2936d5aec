from django.urls import path

from . import views

app_name = "compensation"
urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/recompute/", views.run_recompute, name="recompute"),
    path("runs/<int:pk>/finalize/", views.run_finalize, name="finalize"),
    path("runs/<int:pk>/allocation/", views.allocation, name="allocation"),
    path("runs/<int:pk>/allocation/approve/", views.allocation_approve, name="allocation_approve"),
    path("runs/<int:pk>/payslips/<str:username>/", views.payslip, name="payslip"),
    # The staff member's own payslips.
    path("payslips/", views.my_payslips, name="payslips"),
]
