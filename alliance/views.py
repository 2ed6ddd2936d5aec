"""The alliance's HTML pages: the merchant portal's joint activities."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def portal_activities(request):
    return render(request, "alliance/portal_activities.html", {"participations": []})
