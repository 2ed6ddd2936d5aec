from django.urls import path

from . import calculate, profits

urlpatterns = [
    path("profit-records/", profits.ProfitRecordUpsertView.as_view(), name="api-profit-records"),
    path("compensation/calculate/", calculate.CompensationCalculateView.as_view(), name="api-compensation-calculate"),
]
