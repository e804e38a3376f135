"""The data migration that turned each free-text solution into one structured Solution."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaigns", "0003_solution")]
AFTER = [("campaigns", "0005_remove_itemresponse_solutions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0003(transactional_db):
    """The schema with both the old text column and the new Solution table; the latest schema is
    restored afterwards so the other tests find it."""
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    Agency = apps.get_model("accounts", "Agency")
    User = apps.get_model("accounts", "User")
    Campaign = apps.get_model("campaigns", "Campaign")
    Assignment = apps.get_model("campaigns", "Assignment")
    Contribution = apps.get_model("campaigns", "Contribution")
    ItemResponse = apps.get_model("campaigns", "ItemResponse")
    agency = Agency.objects.create(code="BDT", name="Bưu điện tỉnh", kind="post")
    user = User.objects.create(username="dieuphoi", role="coordinator")
    campaign = Campaign.objects.create(
        year=2025,
        province="Lạng Sơn",
        title="Tham luận 2025",
        deadline="2026-05-27T10:00:00Z",
        created_by=user,
    )
    contribution = Contribution.objects.create(campaign=campaign, agency=agency)
    rows = {}
    for position, (code, lost, text) in enumerate(
        [
            ("LV3.3.3", "0.0100", "Mở thêm điểm tiếp nhận\nTập huấn nhân viên"),
            ("LV6.4", "0.5000", "   "),
            ("LV6.5", "0.2500", ""),
        ],
        start=1,
    ):
        assignment = Assignment.objects.create(
            campaign=campaign,
            position=position,
            code=code,
            name=f"Tiêu chí {code}",
            max_points=Decimal(1),
            achieved=Decimal(1) - Decimal(lost),
            lost=Decimal(lost),
            lead_agency=agency,
        )
        rows[code] = ItemResponse.objects.create(
            contribution=contribution, assignment=assignment, causes="x", solutions=text
        )
    return rows


def test_each_non_empty_text_becomes_one_solution_with_defaults(at_0003):
    rows = _old_rows(at_0003)
    apps = _migrate(AFTER)
    Solution = apps.get_model("campaigns", "Solution")
    ItemResponse = apps.get_model("campaigns", "ItemResponse")
    solution = Solution.objects.get()
    assert solution.item_id == rows["LV3.3.3"].pk and solution.position == 1
    assert solution.text == "Mở thêm điểm tiếp nhận\nTập huấn nhân viên"
    assert solution.owner == "Bưu điện tỉnh"
    assert solution.deadline == date(2026, 12, 31)
    assert solution.expected_points == Decimal("0.01")
    assert "solutions" not in {f.name for f in ItemResponse._meta.get_fields()}
    # blank texts made no solution, and the items are all still there
    assert ItemResponse.objects.count() == 3


def test_going_back_restores_the_text(at_0003):
    rows = _old_rows(at_0003)
    _migrate(AFTER)
    apps = _migrate(BEFORE)
    ItemResponse = apps.get_model("campaigns", "ItemResponse")
    restored = ItemResponse.objects.get(pk=rows["LV3.3.3"].pk)
    assert restored.solutions == "Mở thêm điểm tiếp nhận\nTập huấn nhân viên"
    assert not apps.get_model("campaigns", "Solution").objects.exists()
