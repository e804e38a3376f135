"""Version history: the word diff, the comparison of two snapshots, and who may see the pages."""

import pytest
from django.urls import reverse

from chiso.web.accounts.models import Agency, User
from chiso.web.campaigns.services import contribution_return, contribution_submit
from chiso.web.campaigns.versions import (
    ADDED,
    CHANGED,
    FIRST,
    REMOVED,
    UNCHANGED,
    Segment,
    compare,
    solutions_text,
    word_diff,
)

# -- the diff (no database) ------------------------------------------------------------------


def test_word_diff_marks_inserted_and_deleted_words():
    assert word_diff("Thiếu cán bộ chuyên trách", "Thiếu nhiều cán bộ chuyên môn") == (
        Segment("equal", "Thiếu"),
        Segment("ins", " nhiều"),
        Segment("equal", " cán bộ chuyên"),
        Segment("del", " trách"),
        Segment("ins", " môn"),
    )


def test_word_diff_of_long_texts_pairs_paragraphs_and_stays_exact():
    """Lines first, then words inside changed lines: a 20 KB field is compared at once (matching
    all its words together was quadratic), and each edited paragraph still shows its words."""
    paragraphs = [" ".join(f"từ{(p * 7 + i) % 97}" for i in range(100)) for p in range(40)]
    edited = [p.replace("từ5 ", "từ5 thêm ", 1) for p in paragraphs]
    old, new = "\n".join(paragraphs), "\n".join(edited)
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "del") == new
    assert "".join(s.text for s in segments if s.op != "ins") == old
    inserted = [s.text for s in segments if s.op == "ins"]
    assert inserted == [" thêm"] * sum(p != e for p, e in zip(paragraphs, edited, strict=True))


def test_word_diff_keeps_line_breaks():
    segments = word_diff("Dòng một\nDòng hai", "Dòng một\nDòng ba")
    assert "".join(s.text for s in segments if s.op != "del") == "Dòng một\nDòng ba"
    assert "".join(s.text for s in segments if s.op != "ins") == "Dòng một\nDòng hai"


def test_word_diff_of_equal_and_empty_texts():
    assert word_diff("a b", "a b") == (Segment("equal", "a b"),)
    assert word_diff("", "mới") == (Segment("ins", "mới"),)
    assert word_diff("cũ", "") == (Segment("del", "cũ"),)


def _snapshot(general="", **items):
    return {
        "general_text": general,
        "items": [
            {"code": code, "name": f"Tiêu chí {code}", "role": "lead", **fields}
            for code, fields in items.items()
        ],
    }


def test_compare_says_changed_or_unchanged_per_item_and_field():
    old = _snapshot("Chung", A={"causes": "Một"}, B={"causes": "Hai"}, C={"causes": "Ba"})
    new = _snapshot("Chung", A={"causes": "Một"}, B={"causes": "Hai nữa"}, D={"causes": "Bốn"})
    general, items = compare(old, new)
    assert general.status == UNCHANGED
    status = {i.code: i.status for i in items}
    assert status == {"A": UNCHANGED, "B": CHANGED, "D": ADDED, "C": REMOVED}
    b = next(i for i in items if i.code == "B")
    causes = b.fields[0]
    assert (causes.label, causes.status) == ("Nguyên nhân", CHANGED)
    assert Segment("ins", " nữa") in causes.segments
    assert all(f.status == UNCHANGED for f in b.fields[1:])


def test_first_version_has_nothing_to_compare():
    general, items = compare(None, _snapshot("Chung", A={"causes": "Một"}))
    assert general.status == FIRST and items[0].status == FIRST


def test_solutions_compare_with_owner_deadline_and_points():
    rows = [
        {"text": "Tập huấn", "owner": "Phòng A", "deadline": "2026-12-31", "expected_points": "0.5"}
    ]
    assert solutions_text(rows) == (
        "1. Tập huấn (thực hiện: Phòng A; thời hạn: 31/12/2026; điểm kỳ vọng: 0,5)"
    )
    later = [dict(rows[0], expected_points="0.25")]
    _, items = compare(_snapshot(A={"solutions": rows}), _snapshot(A={"solutions": later}))
    solutions = items[0].fields[-1]
    assert solutions.status == CHANGED
    assert Segment("del", " 0,5)") in solutions.segments
    assert Segment("ins", " 0,25)") in solutions.segments


def test_versions_frozen_before_structured_solutions_still_compare():
    """Old snapshots hold the solutions as one text; they are never rewritten."""
    old = _snapshot(A={"solutions": "Tập huấn cán bộ"})
    new = _snapshot(A={"solutions": [{"text": "Tập huấn cán bộ", "owner": "", "deadline": None}]})
    _, items = compare(old, new)
    assert items[0].status == CHANGED
    assert items[0].fields[-1].segments == (
        Segment("del", "Tập"),
        Segment("ins", "1. Tập"),
        Segment("equal", " huấn cán bộ"),
    )


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def two_versions(own, member, coordinator, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "đầu"))
    contribution_return(acting_user=coordinator, contribution=own, comment="Bổ sung")
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "sau"))
    return own


def _list(contribution):
    return reverse("version_list", args=[contribution.pk])


def _one(contribution, number):
    return reverse("version_detail", args=[contribution.pk, number])


@pytest.mark.django_db
def test_member_lists_and_reads_own_versions(client, member, two_versions):
    client.force_login(member)
    page = client.get(_list(two_versions)).text
    assert _one(two_versions, 1) in page and _one(two_versions, 2) in page
    assert "cb.bdt" in page and "Đúng hạn" in page
    second = client.get(_one(two_versions, 2)).text
    assert "So với phiên bản 1" in second
    assert "<del> đầu</del><ins> sau</ins>" in second
    assert "thay đổi" in second
    first = client.get(_one(two_versions, 1)).text
    assert "Phiên bản đầu tiên" in first and "<ins>" not in first.split("</p>", 3)[-1]


@pytest.mark.django_db
def test_contribution_page_links_to_the_history(client, member, two_versions):
    client.force_login(member)
    page = client.get(reverse("contribution_detail", args=[two_versions.pk])).text
    assert _list(two_versions) in page and _one(two_versions, 2) in page


@pytest.mark.django_db
def test_leader_and_coordinator_read_versions(client, leader, coordinator, two_versions):
    for user in (leader, coordinator):
        client.force_login(user)
        assert client.get(_list(two_versions)).status_code == 200
        assert client.get(_one(two_versions, 2)).status_code == 200


@pytest.mark.django_db
def test_other_agency_gets_404(client, other_member, two_versions):
    client.force_login(other_member)
    assert client.get(_list(two_versions)).status_code == 404
    assert client.get(_one(two_versions, 1)).status_code == 404


@pytest.mark.django_db
def test_agency_outside_the_campaign_gets_404(client, two_versions):
    commune = Agency.objects.filter(kind="commune").first()
    outsider = User.objects.create_user("xa", role="agency_member", agency=commune)
    client.force_login(outsider)
    assert client.get(_one(two_versions, 1)).status_code == 404


@pytest.mark.django_db
def test_missing_version_is_404(client, member, two_versions):
    client.force_login(member)
    assert client.get(_one(two_versions, 3)).status_code == 404
    assert client.get(_one(two_versions, 0)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, two_versions):
    for url in (_list(two_versions), _one(two_versions, 1)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
