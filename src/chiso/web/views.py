"""The home page: what each role has to do next."""

from __future__ import annotations

from django.shortcuts import render

from chiso.web.campaigns.selectors import campaigns_for_user, contributions_for_user


def home(request):
    user = request.user
    context = {"campaigns": campaigns_for_user(user=user)[:10]}
    if user.is_agency_member:
        context["contributions"] = contributions_for_user(user=user)
    return render(request, "home.html", context)
