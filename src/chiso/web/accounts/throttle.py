"""Login throttling with django-axes: which client address a login comes from, and the backend.

Settings (``AXES_*`` in ``chiso.web.settings``) lock a user name out from one address after 5
wrong passwords for 15 minutes; a successful login clears the count.
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person logging in.

    Behind the reverse proxy (production with ``CHISO_BEHIND_PROXY=1``) every request reaches
    gunicorn from 127.0.0.1, which would put every clerk of the province behind one address.
    nginx appends the address it saw to ``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``), so
    the right-most entry is the one to trust: everything to its left was written by the client and
    may be forged. Without the proxy, or when the header is missing or malformed, it is the
    socket's address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "CHISO_TRUST_FORWARDED_FOR", False):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip() if forwarded else ""
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before the password is looked at, for every login from a request.

    ``authenticate()`` without a request comes from code, never from a browser: Django's test
    client ``login()`` and scripts. There is no client address to throttle by, so it is let
    through to the password check (axes itself would raise). Every login page — ours and the admin
    site's — passes the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def on_locked_out(sender, *, username: str | None = None, ip_address=None, **kwargs) -> None:
    """django-axes' ``user_locked_out`` signal: an audit row the coordinators can see."""
    from chiso.web.accounts.services import lockout_record

    if username:
        lockout_record(username=username, ip_address=ip_address)
