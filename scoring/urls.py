from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/sheet.pdf", views.evaluation_sheet, name="evaluation_sheet"),
]
