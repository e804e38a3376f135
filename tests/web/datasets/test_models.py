"""One-row invariants of an imported dataset."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db


def _row(user, **overrides) -> Dataset:
    values = {
        "kind": Dataset.Kind.SHEET,
        "province": "Lạng Sơn",
        "year": 2025,
        "standard": "PAR-TINH-2025",
        "original_name": "bang-diem.csv",
        "stored_path": "0" * 32 + ".csv",
        "rows": 87,
        "sha256": "a" * 64,
        "uploaded_by": user,
        "active": True,
    }
    return Dataset(**(values | overrides))


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "bang-diem.csv", "0" * 32 + ".exe", "/tmp/" + "0" * 32 + ".csv"],
)
def test_stored_path_is_only_ever_a_random_name(coordinator, path):
    with pytest.raises(ValidationError):
        _row(coordinator, stored_path=path).full_clean()


def test_random_names_are_accepted(coordinator):
    _row(coordinator).full_clean()
    _row(coordinator, stored_path="1" * 32 + "/" + "b" * 64 + ".parquet").full_clean()


def test_one_active_dataset_per_kind_province_and_year(coordinator):
    _row(coordinator).save()
    _row(coordinator, stored_path="1" * 32 + ".csv", active=False).save()
    _row(coordinator, stored_path="2" * 32 + ".csv", year=2024).save()
    with pytest.raises(IntegrityError):
        _row(coordinator, stored_path="3" * 32 + ".csv").save()


def test_one_active_survey_per_questionnaire_and_year(coordinator):
    def survey(n: int, standard: str, **overrides) -> Dataset:
        path = f"{n}" * 32 + "/" + "b" * 64 + ".parquet"
        kind = Dataset.Kind.RESPONSES
        return _row(coordinator, kind=kind, standard=standard, stored_path=path, **overrides)

    survey(1, "SIPAS-TINH-XA-2025").save()
    survey(2, "SIPAS-TINH-SO-2025").save()  # the departments' survey beside the communes'
    with pytest.raises(IntegrityError):
        survey(3, "SIPAS-TINH-XA-2025").save()


def test_tables_and_sheets_stay_one_per_year_whatever_their_framework(coordinator):
    _row(coordinator).save()
    with pytest.raises(IntegrityError):
        _row(coordinator, stored_path="1" * 32 + ".csv", standard="PAR-TINH-2025-KHAC").save()
