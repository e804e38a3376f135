"""The tests here import files, so each gets its own data folder.

The import fixtures themselves (``data_dir``, ``demo_files``, ``survey_csv``, ``upload``,
``edited_csv``) are shared with tests/web/dashboard and actions from tests/web/conftest.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def data_dir(data_dir):
    """Autouse here, unlike in the rest of tests/web: many tests import through a view or service
    without asking for ``data_dir``, and no import may land in the installation's data folder."""
    return data_dir
