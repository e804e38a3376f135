"""The coordinator's view of the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from chiso.web.audit.selectors import audit_events


def audit_list(request):
    rows = audit_events(user=request.user, event=request.GET.get("event", "").strip())
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "event": request.GET.get("event", "")})
