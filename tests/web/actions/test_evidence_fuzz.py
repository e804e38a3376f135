"""Hostile uploads as evidence of a remediation action, and hostile progress updates, through the
action page as the agency member posts them: the answer is never a 500, and a refused post leaves
no row, no audit entry and no file.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, example, given
from hypothesis import strategies as st

import hostile
from chiso.web.actions.models import Action

pytestmark = pytest.mark.django_db
WEB = hostile.WEB
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
NOTES = hostile.control_text(60) | st.sampled_from(
    (*hostile.WEIRD_TEXT, *hostile.FORMULAS, "x" * 501)
)


@WEB
@given(
    name=st.sampled_from(
        (*hostile.FILE_NAMES, "anh.png", "anh.jpg", "bao-cao.pdf", "so.xlsx", "van-ban.docx")
    ),
    content=hostile.upload_contents(PNG),
    note=NOTES,
)
@example(name="van-ban.docx", content=hostile.docx_bomb(), note="")  # 1 GB inside 1 MB
@example(name="so.xlsx", content=hostile.xlsx_bomb(), note="")
def test_any_evidence_upload_is_stored_or_leaves_nothing(
    client, member, action, upload_dir, name, content, note
):
    client.force_login(member)
    before = hostile.snapshot(upload_dir)
    response = client.post(
        f"/hanh-dong/{action.pk}/minh-chung/",
        {"file": SimpleUploadedFile(name, content), "note": note},
    )
    hostile.check_answer(response)
    after = hostile.snapshot(upload_dir)
    hostile.stored_once_or_unchanged(before, after, "actions.ActionEvidence")


@WEB
@given(
    status=st.sampled_from(["planned", "in_progress", "done", "cancelled", "", "x", "DONE"]),
    progress=st.sampled_from(["0", "50", "100", "-1", "101", "", "abc", "1,5", "9" * 30]),
    deadline=st.sampled_from(["", "2026-12-31", "2026-02-31", "31/12/2026", "9999-12-31", "x"]),
)
def test_any_progress_update_is_saved_or_changes_nothing(
    client, member, action, status, progress, deadline
):
    client.force_login(member)
    before = hostile.snapshot(), list(Action.objects.values_list("status", "progress", "deadline"))
    prefix = str(action.pk)
    response = client.post(
        f"/hanh-dong/{action.pk}/cap-nhat/",
        {
            f"{prefix}-status": status,
            f"{prefix}-progress": progress,
            f"{prefix}-deadline": deadline,
        },
    )
    hostile.check_answer(response)
    after = hostile.snapshot(), list(Action.objects.values_list("status", "progress", "deadline"))
    event("saved" if after != before else "unchanged")
    action.refresh_from_db()
    assert 0 <= action.progress <= 100
    if action.status == Action.Status.CANCELLED:  # cancelled takes nothing: start again
        Action.objects.filter(pk=action.pk).update(status=Action.Status.PLANNED)
