"""One remediation action per solution of an accepted contribution (chủ trì and phối hợp)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chiso.web.actions.models import Action
from chiso.web.actions.services import TITLE_MAX, actions_from_contribution
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.assignments import assignment_update
from chiso.web.campaigns.models import Solution
from chiso.web.campaigns.services import ContributionContent, ItemText

pytestmark = pytest.mark.django_db

LONG = "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính " * 6


@pytest.fixture
def two_solutions(foreign, fill, solution):
    """STP's content: every item filled, its first item (LV2.1.2, 0,22 điểm bị trừ) with two
    solutions of their own executor, deadline and points, the first one multi-line and long."""
    content = fill(foreign)
    code = "LV2.1.2"
    assert foreign.items.filter(assignment__code=code, assignment__lost=Decimal("0.22")).exists()
    item = content.items[code]
    items = dict(content.items)
    items[code] = ItemText(
        causes=item.causes,
        responsibility_agency=item.responsibility_agency,
        solutions=(
            solution(
                LONG + "\nchi tiết ở dòng sau",
                "Phòng Hành chính tư pháp",
                date(2026, 6, 30),
                "0.15",
            ),
            solution("Tập huấn cán bộ một cửa", "Ông Nguyễn Văn An", date(2026, 3, 31), "0.05"),
        ),
    )
    return ContributionContent(general_text=content.general_text, items=items)


def test_one_action_per_solution_with_its_deadline_points_and_executor(
    foreign, coordinator, accept, two_solutions
):
    accept(foreign, coordinator, two_solutions)
    created = actions_from_contribution(acting_user=coordinator, contribution=foreign)
    solutions = Solution.objects.filter(item__contribution=foreign)
    assert len(created) == solutions.count() == foreign.items.count() + 1
    assert {a.solution_id for a in created} == set(solutions.values_list("pk", flat=True))
    first, second = (a for a in created if a.assignment.code == "LV2.1.2")
    assert first.title == LONG.strip()[: TITLE_MAX - 1].rstrip() + "…"
    assert len(first.title) <= TITLE_MAX and "chi tiết" not in first.title
    assert (first.executor, first.deadline, first.expected_points) == (
        "Phòng Hành chính tư pháp",
        date(2026, 6, 30),
        Decimal("0.15"),
    )
    assert (second.title, second.executor, second.deadline, second.expected_points) == (
        "Tập huấn cán bộ một cửa",
        "Ông Nguyễn Văn An",
        date(2026, 3, 31),
        Decimal("0.05"),
    )
    assert {a.owner_agency.code for a in created} == {"STP"}
    event = AuditEvent.objects.get(event="action.created", object_id=str(second.pk))
    assert event.new["solution"] == second.solution_id
    assert event.new["executor"] == "Ông Nguyễn Văn An"


def test_idempotent(foreign, coordinator, accept, two_solutions):
    accept(foreign, coordinator, two_solutions)
    first = actions_from_contribution(acting_user=coordinator, contribution=foreign)
    events = AuditEvent.objects.filter(event="action.created").count()
    assert actions_from_contribution(acting_user=coordinator, contribution=foreign) == []
    assert Action.objects.count() == len(first)
    assert AuditEvent.objects.filter(event="action.created").count() == events


def test_legacy_action_of_an_item_prevents_duplicates(foreign, coordinator, accept, two_solutions):
    """An action made before solutions had rows (one per item, no solution) still covers its
    item: none of that item's solutions becomes a second action, the other items' do."""
    accept(foreign, coordinator, two_solutions)
    item = foreign.items.select_related("assignment").get(assignment__code="LV2.1.2")
    legacy = Action.objects.create(
        campaign=foreign.campaign,
        assignment=item.assignment,
        owner_agency=foreign.agency,
        title="Giải pháp cũ",
        deadline=date(2026, 12, 31),
        expected_points=item.assignment.lost,
        created_by=coordinator,
    )
    created = actions_from_contribution(acting_user=coordinator, contribution=foreign)
    assert len(created) == foreign.items.count() - 1
    assert all(a.assignment_id != item.assignment_id for a in created)
    assert Action.objects.filter(assignment=item.assignment).get() == legacy
    assert actions_from_contribution(acting_user=coordinator, contribution=foreign) == []


def test_supporting_agency_solution_becomes_its_own_action(
    campaign, own, foreign, member, coordinator, accept
):
    """BDT supports STP's LV2.1.2: BDT's solution there is BDT's action, STP's is STP's."""
    assignment = campaign.assignments.get(code="LV2.1.2")
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=assignment.lead_agency,
        supporting_agencies=[own.agency],
    )
    assert own.items.filter(assignment=assignment).exists()
    accept(own, member)
    accept(foreign, coordinator)
    mine = actions_from_contribution(acting_user=coordinator, contribution=own)
    theirs = actions_from_contribution(acting_user=coordinator, contribution=foreign)
    support = [a for a in mine if a.assignment_id == assignment.pk]
    lead = [a for a in theirs if a.assignment_id == assignment.pk]
    assert len(support) == len(lead) == 1
    assert support[0].owner_agency == own.agency and lead[0].owner_agency == foreign.agency
    assert support[0].solution.item.contribution_id == own.pk
    assert support[0].title == f"Giải pháp {assignment.code}"
    assert len(mine) == own.items.count() == 2


def test_one_action_per_solution_is_a_constraint(foreign, coordinator, accept):
    accept(foreign, coordinator)
    action = actions_from_contribution(acting_user=coordinator, contribution=foreign)[0]
    twin = Action(
        campaign=action.campaign,
        assignment=action.assignment,
        owner_agency=action.owner_agency,
        solution=action.solution,
        title="Trùng",
        deadline=action.deadline,
        expected_points=Decimal("0"),
        created_by=coordinator,
    )
    with pytest.raises(ValidationError):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_solution_must_belong_to_the_actions_item_and_agency(
    own, foreign, member, coordinator, accept
):
    accept(foreign, coordinator)
    accept(own, member)
    action = actions_from_contribution(acting_user=coordinator, contribution=foreign)[0]
    action.solution = Solution.objects.get(item__contribution=own)
    with pytest.raises(ValidationError, match="Giải pháp không thuộc"):
        action.full_clean()


def test_deleting_a_solution_keeps_its_action(foreign, coordinator, accept):
    """The action is the province's record: it outlives the row it was drafted from, keeps
    what it copied, and still covers its item so nothing is created twice."""
    accept(foreign, coordinator)
    action = actions_from_contribution(acting_user=coordinator, contribution=foreign)[0]
    action.solution.delete()
    action.refresh_from_db()
    assert action.solution is None
    assert action.title == f"Giải pháp {action.assignment.code}" and action.executor
    item = foreign.items.get(assignment=action.assignment)
    Solution.objects.create(
        item=item,
        position=1,
        text="Giải pháp mới",
        owner="STP",
        deadline=date(2026, 9, 30),
        expected_points=Decimal("0.01"),
    )
    assert actions_from_contribution(acting_user=coordinator, contribution=foreign) == []
