"""The plans app's pages (mounted at /plans/ in config.urls): the recommendations page, a
recruiter's prospects ranked with their reasons (``plans.recommendations``, the same list
as ``GET /api/v1/recommendations/``).

Who: recruiters see their own list; a recruitment head picks a recruiter of its
department (its own list by default), the company-wide managers anyone (they pick one
first). Everyone else gets 403; a bad ``?recruiter=`` shows its error with the status
the API gives it (400, or 403 out of reach).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from workplace.exceptions import ApplicationError
from workplace.pagination import paginate
from workplace.people import display_name

from . import recommendations as r

PER_PAGE = 25


@login_required
def recommendations(request):
    if not r.may_ask(request.user):
        raise PermissionDenied
    choices = list(r.recruiters_for(request.user))
    raw = request.GET.get("recruiter")
    context = {
        "choices": [(person.pk, display_name(person)) for person in choices],
        "chosen": str(raw or "").strip(),
        "recruiter": None,
        "plan": None,
        "page": None,
        "error": None,
    }
    try:
        recruiter = r.subject_of(request.user, raw)
    except ApplicationError as error:
        # A company-wide manager opening the page picks a recruiter first: no error yet.
        if error.code == "required" and not context["chosen"]:
            return render(request, "plans/recommendations.html", context)
        context["error"] = error
        return render(request, "plans/recommendations.html", context, status=error.status_code)
    found = r.recommendations_for(recruiter, reader=request.user)
    context.update(
        recruiter=recruiter,
        recruiter_name=display_name(recruiter),
        plan=found.plan,
        page=paginate(request, found.results, per_page=PER_PAGE),
        chosen=str(recruiter.pk),
    )
    return render(request, "plans/recommendations.html", context)
