"""Fixtures for imports: a private data folder per test, and input files made by the core.

The files come from ``chiso.demo.files.export_demo`` (what ``chiso demo export`` writes) and from
the core's survey generator, so the web app is tested on the very layouts the CLI reads.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Every test stores imports in its own folder, so the folder can be listed exactly. The
    storage folder exists already, as it does after the first import of an installation."""
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "datasets").mkdir(parents=True)
    return settings.DATA_DIR


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> Path:
    from chiso.demo.files import export_demo

    folder = tmp_path_factory.mktemp("demo-export")
    export_demo(folder)
    return folder


@pytest.fixture(scope="session")
def survey_csv(tmp_path_factory) -> Path:
    """A small illustrative commune survey (600 forms over the province's 65 communes)."""
    from chiso.sipas import synth
    from chiso.sipas.questionnaire import embedded

    q = embedded("tinh-xa-2025")
    spec = synth.SynthSpec(
        respondents=600, seed=7, units=synth.default_units(q), villages_per_unit=0
    )
    return synth.write(q, spec, tmp_path_factory.mktemp("survey") / "phieu-khao-sat-2025.csv")


@pytest.fixture
def upload():
    """``upload(path, name=None)``: the file as Django hands an upload to a view or service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(path: Path, name: str | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(name or path.name, Path(path).read_bytes())

    return make


@pytest.fixture
def edited_csv(tmp_path):
    """``edited_csv(source, {(row, column): value}, name)``: a copy of a CSV with some cells
    changed; ``row`` counts data rows from 2 as a spreadsheet shows them (1 is the header)."""

    def make(source: Path, changes: dict[tuple[int, str], str], name: str) -> Path:
        with open(source, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for (row, column), value in changes.items():
            rows[row - 1][header.index(column)] = value
        target = tmp_path / name
        with open(target, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return target

    return make
