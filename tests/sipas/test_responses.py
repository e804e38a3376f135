"""Importing response files: validate everything, store nothing on error, flag but keep."""

import csv
import json

import pyarrow.parquet as pq
import pytest

from chiso.errors import ValidationFailed
from chiso.sipas.questionnaire import embedded
from chiso.sipas.responses import import_responses


@pytest.fixture(scope="module")
def q():
    return embedded("tinh-xa-2025")


def write(path, rows, q, extra=()):
    items = list(q.items)
    header = ["respondent_id", "unit", "stratum", "psu", "weight", *items, *extra]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(q, n=12):
    items = list(q.items)
    rows = []
    for i in range(n):
        answers = [str(4 + (i + k) % 2) if (i + k) % 7 else "" for k in range(len(items))]
        unit = ["05977", "phường Đông Kinh", "Xã Đoàn Kết"][i % 3]
        rows.append([f"P{i}", unit, "A", f"T{i % 4}", "1,5", *answers])
    return rows


def test_a_valid_file_becomes_one_parquet_with_a_manifest(tmp_path, q):
    source = write(tmp_path / "phieu.csv", good_rows(q), q)
    dataset = import_responses(source, questionnaire=q, store=tmp_path / "store")
    table = pq.read_table(dataset.parquet)
    assert table.num_rows == 12
    assert set(table.column("unit").to_pylist()) == {"05977", "06001"}
    assert table.column("weight").to_pylist()[0] == 1.5
    first = table.slice(0, 1).to_pylist()[0]
    assert first["C9.16"] is None  # blank stays unanswered, not zero
    manifest = json.loads(dataset.parquet.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["questionnaire"]["code"] == q.code
    assert manifest["counts"]["respondents"] == 12
    assert manifest["source"]["file"] == "phieu.csv" and len(manifest["source"]["sha256"]) == 64
    # Immutable and idempotent: the same bytes give the same file.
    again = import_responses(source, questionnaire=q, store=tmp_path / "store")
    assert again.parquet == dataset.parquet


def test_every_problem_is_reported_and_nothing_is_stored(tmp_path, q):
    rows = good_rows(q)
    rows[0][5] = "7"  # out of scale (row 2, column C9.16)
    rows[1][1] = "xã Không Có"  # unknown unit (row 3)
    rows[2][0] = "P0"  # duplicate respondent id (row 4)
    rows[3][5:] = [""] * len(q.items)  # empty form (row 5)
    rows[4][4] = "-1"  # bad weight (row 6)
    rows[5][6] = "hài lòng"  # text in an answer cell (row 7)
    source = write(tmp_path / "loi.csv", rows, q)
    store = tmp_path / "store"
    with pytest.raises(ValidationFailed) as info:
        import_responses(source, questionnaire=q, store=store)
    found = {(p.code, p.row, p.column) for p in info.value.problems}
    assert ("out_of_scale", 2, "C9.16") in found
    assert ("unknown_unit", 3, "unit") in found
    assert ("duplicate", 4, "respondent_id") in found
    assert ("empty_form", 5, None) in found
    assert ("bad_weight", 6, "weight") in found
    assert ("out_of_scale", 7, "C9.17") in found
    assert all(p.file == "loi.csv" for p in info.value.problems)
    assert not store.exists() or not list(store.iterdir())


def test_straight_lining_is_flagged_not_dropped(tmp_path, q):
    rows = good_rows(q)
    rows[0][5:] = ["5"] * len(q.items)
    dataset = import_responses(
        write(tmp_path / "p.csv", rows, q), questionnaire=q, store=tmp_path / "s"
    )
    assert dataset.rows == 12
    assert [f.row for f in dataset.flags if f.code == "straight_lining"] == [2]


def test_missing_design_columns_mean_simple_random_sampling(tmp_path, q):
    items = list(q.items)
    path = tmp_path / "srs.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit", *items])
        writer.writerow(["05977", *["4"] * len(items)])
        writer.writerow(["05977", *["2"] * len(items)])
    dataset = import_responses(path, questionnaire=q, store=tmp_path / "s")
    table = pq.read_table(dataset.parquet).to_pylist()
    assert [r["weight"] for r in table] == [1.0, 1.0]
    assert len({r["psu"] for r in table}) == 2  # each respondent its own PSU
    assert dataset.manifest["design"]["srs"] is True


def test_a_file_of_another_questionnaire_is_refused_at_once(tmp_path, q):
    path = tmp_path / "x.csv"
    path.write_text("unit,Q1\n05977,4\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="không theo bảng hỏi"):
        import_responses(path, questionnaire=q, store=tmp_path / "s")


def test_codes_that_lost_their_leading_zero_in_excel_still_match(tmp_path, q):
    rows = good_rows(q, 3)
    for row in rows:
        row[1] = "5977"
    dataset = import_responses(
        write(tmp_path / "z.csv", rows, q), questionnaire=q, store=tmp_path / "s"
    )
    assert set(pq.read_table(dataset.parquet).column("unit").to_pylist()) == {"05977"}
