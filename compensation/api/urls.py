from django.urls import path

from . import profits

urlpatterns = [
    path("profit-records/", profits.ProfitRecordUpsertView.as_view(), name="api-profit-records"),
]
