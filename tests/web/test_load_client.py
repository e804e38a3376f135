"""The load test's clients (benchmarks/load) against the real pages, in milliseconds.

The deadline-rush load test runs for ten minutes outside the suite (``make load-test``). What its
clients send is checked here instead: that the contribution form they fill from the page is one
the view accepts, for a draft and for a submit, that their 2 MB PDF passes the content check, and
that the pacing lets every clerk finish inside the run. No timing is asserted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"chiso_load_{name}", LOAD / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pageforms = _module("pageforms")
runner = _module("run")


@pytest.fixture
def clerk(client, member):
    client.force_login(member)
    return client


def _page(client, contribution) -> str:
    response = client.get(f"/tham-luan/bai/{contribution.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_filled_form_saves_then_submits(clerk, own):
    html = _page(clerk, own)
    path = f"/tham-luan/bai/{own.pk}/"
    data = pageforms.fill_contribution(html, own.agency.name, 1, own.campaign.year)
    response = clerk.post(path, dict([*data, ("action", "save")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    own.refresh_from_db()
    assert "(Lưu lần 1.)" in own.general_text
    assert all(item.causes and item.solution_rows.count() == 1 for item in own.items.all())

    # The page after a save has the saved row and two blank ones: filled again, then submitted.
    data = pageforms.fill_contribution(_page(clerk, own), own.agency.name, 9, own.campaign.year)
    response = clerk.post(path, dict([*data, ("action", "submit")]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.state == own.State.SUBMITTED
    assert own.versions.count() == 1
    assert "(Lưu lần 9.)" in own.versions.get().snapshot["general_text"]


@pytest.mark.django_db
def test_expected_points_never_exceed_the_lost_points(own):
    from decimal import Decimal

    lost = {str(i.pk): i.assignment.lost for i in own.items.select_related("assignment")}
    html = "".join(
        f'<section id="muc-{pk}"><strong>bị trừ {str(points).replace(".", ",")}</strong>'
        for pk, points in lost.items()
    )
    values = dict(pageforms.fill_contribution(f"<form>{html}</form>", "X", 1, 2025))
    for pk, points in lost.items():
        assert Decimal(values[f"{pk}-sol-0-expected_points"].replace(",", ".")) <= points


@pytest.mark.django_db
def test_the_2_mb_pdf_is_accepted_as_a_pdf(clerk, own, settings, tmp_path):
    settings.CHISO_UPLOAD_DIR = tmp_path
    pdf = runner.make_pdf("BDT cb.bdt")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert 2_000_000 < len(pdf) <= runner.PDF_SIZE
    assert runner.make_pdf("BDT cb.bdt") == pdf != runner.make_pdf("STP cb.stp")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Báo cáo.pdf", pdf, content_type="application/pdf")
    response = clerk.post(f"/tham-luan/bai/{own.pk}/tep/", {"file": upload})
    assert response.status_code == 302
    attachment = own.attachments.get()
    assert attachment.content_type == "pdf"
    assert attachment.sha256 == hashlib.sha256(pdf).hexdigest()


@pytest.mark.parametrize("run_time", [120, 300, 600, 1200])
def test_every_clerk_can_finish_inside_the_run(run_time):
    """At most 8 think times after the latest start, with a fifth of the run to spare."""
    pace = runner.pacing(run_time)
    assert pace["start_window"] + 8 * pace["think"][1] <= 0.8 * run_time + 1e-6
    assert 0 < pace["think"][0] < pace["think"][1]


def test_the_page_forms_as_a_browser_sends_them():
    html = """
    <form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="checkbox" name="off"><input type="checkbox" name="on" checked>
      <textarea name="a">
first line</textarea><input type="submit" name="go" value="1"><input type="file" name="f">
    </form>"""
    (form,) = pageforms.forms_of(html)
    assert form == {
        "action": "/x/",
        "fields": [("csrfmiddlewaretoken", "t"), ("on", "on"), ("a", "first line")],
    }
