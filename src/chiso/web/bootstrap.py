"""First-run preparation for ``chiso serve``: schema, reference data, demo accounts.

Kept out of ``cli.py`` so the CLI stays a thin face and tests can call it directly.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chiso.web.accounts.services import DemoAccount


def configure() -> None:
    """Point Django at chiso's settings and set it up (idempotent)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.web.settings")
    django.setup()


def prepare() -> list[DemoAccount]:
    """Migrate, clean up what a crash left behind (:mod:`chiso.web.cleanup`), load agencies when
    the table is empty, create the missing demo users.

    Demo users are never created with ``CHISO_ENV=production``. Returns the demo accounts that
    exist, for printing.
    """
    from django.conf import settings
    from django.core.management import call_command

    from chiso.web.accounts.models import Agency
    from chiso.web.accounts.selectors import demo_accounts
    from chiso.web.accounts.services import agencies_load, demo_users_create

    # The SQLite file, uploads and imports live there (with PostgreSQL: uploads and imports).
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from chiso.web.cleanup import stale_files_remove

    stale_files_remove()  # what a crash left behind (uploads and imports not committed)
    if not Agency.objects.exists():
        agencies_load(acting_user=None)
    if settings.PRODUCTION:
        return []
    demo_users_create(acting_user=None)
    return demo_accounts()
