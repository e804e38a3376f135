"""What every view module shares: service errors as page messages, the htmx check, downloads.

Kept in one place so the views cannot drift apart (a download without ``nosniff``, a content
type spelled out four times). Stored uploads go through :func:`chiso.web.files.download_response`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from chiso.web import files

XLSX = files.MIME_TYPES[files.XLSX]
DOCX = files.MIME_TYPES[files.DOCX]
PDF = files.MIME_TYPES[files.PDF]
_BY_SUFFIX = {".xlsx": XLSX, ".docx": DOCX, ".pdf": PDF}


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Each message of a service's refusal, as an error on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then swaps a fragment instead of loading a page)."""
    return request.headers.get("HX-Request") == "true"


def download(content: bytes, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename`` (.xlsx, .docx or .pdf, which sets the type).

    Always an attachment and ``nosniff``, like stored files: a browser never renders it inline.
    """
    suffix = filename[filename.rfind(".") :].lower()
    response = HttpResponse(content, content_type=_BY_SUFFIX[suffix])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
