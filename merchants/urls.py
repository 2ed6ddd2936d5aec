from django.urls import path

from . import views

app_name = "merchants"
urlpatterns = [
    # The merchant portal.
    path("", views.portal, name="portal"),
    path("register/", views.register, name="register"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("application/new/", views.application_create, name="application_create"),
    path("application/<int:pk>/", views.application_detail, name="application_detail"),
    path("application/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("application/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("application/<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("application/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("application/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("application/<int:pk>/contract/", views.contract, name="contract"),
    path("application/<int:pk>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("rates/", views.rates, name="rates"),
    # Private files, permission-checked.
    path("files/documents/<int:document_pk>/", views.document_file, name="document_file"),
    path("files/visits/<int:media_pk>/", views.visit_media_file, name="visit_media_file"),
    # Staff review.
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/<int:pk>/assign/", views.review_assign, name="review_assign"),
    path("review/<int:pk>/site-visit/", views.review_site_visit, name="review_site_visit"),
    path("review/<int:pk>/evaluation/", views.review_evaluation, name="review_evaluation"),
    path("review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("review/<int:pk>/request-changes/", views.review_request_changes, name="review_request_changes"),
    path("review/<int:pk>/reject/", views.review_reject, name="review_reject"),
]
