from django.urls import path

from . import extensions
from .views import common, portal, review

app_name = "merchants"
urlpatterns = [
    # The merchant portal.
    path("", portal.portal, name="portal"),
    path("register/", portal.register, name="register"),
    path("login/", portal.PortalLoginView.as_view(), name="login"),
    path("application/new/", portal.application_create, name="application_create"),
    path("application/<int:pk>/", portal.application_detail, name="application_detail"),
    path("application/<int:pk>/edit/", portal.application_edit, name="application_edit"),
    path("application/<int:pk>/documents/", portal.document_upload, name="document_upload"),
    path("application/<int:pk>/documents/<int:document_pk>/delete/", portal.document_delete, name="document_delete"),
    path("application/<int:pk>/submit/", portal.application_submit, name="application_submit"),
    path("application/<int:pk>/withdraw/", portal.application_withdraw, name="application_withdraw"),
    path("application/<int:pk>/contract/", portal.contract, name="contract"),
    path("application/<int:pk>/contract.pdf", portal.contract_pdf, name="contract_pdf"),
    path("rates/", portal.rates, name="rates"),
    # Private files, permission-checked.
    path("files/documents/<int:document_pk>/", common.document_file, name="document_file"),
    path("files/visits/<int:media_pk>/", common.visit_media_file, name="visit_media_file"),
    # Staff review.
    path("review/", review.review_list, name="review_list"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/assign/", review.review_assign, name="review_assign"),
    path("review/<int:pk>/site-visit/", review.review_site_visit, name="review_site_visit"),
    path("review/<int:pk>/approve/", review.review_approve, name="review_approve"),
    path("review/<int:pk>/request-changes/", review.review_request_changes, name="review_request_changes"),
    path("review/<int:pk>/reject/", review.review_reject, name="review_reject"),
    # Review actions of the apps above merchants (the star evaluation, from scoring).
    *(path(f"review/<int:pk>/{route}", view, name=name) for route, view, name in extensions.review_urls),
]
