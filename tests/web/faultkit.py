"""Helper run as a separate process by the backup and crash tests: ``python faultkit.py CMD``.

Those tests need a real installation (a database file or a PostgreSQL database, an upload
folder) that a server process, ``chiso backup`` and ``chiso restore`` share, not pytest-django's
test database. Each command configures Django from the environment it is given
(``CHISO_DATA_DIR``, ``DATABASE_URL``), does its work through the services, and prints JSON.

    setup            migrate, agencies, a coordinator and a member (password PASSWORD), a
                     campaign with the member's complete draft, and a score sheet to import
    populate         setup, then submitted contributions with attachments, an accepted one with
                     an action and its evidence, and an import
    online-backup F  back up to F while a thread keeps saving drafts; counts saves around it
    dump             every row of every model (dumpdata) and the SHA-256 of every stored file
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import samples

PASSWORD = "kiem-thu-su-co-2026"
WRITER = "STP"  # the agency whose draft the online-backup writer keeps saving
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.web.settings")
    import django

    django.setup()


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def setup() -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from chiso.demo.files import export_demo
    from chiso.web.accounts.models import Agency, User
    from chiso.web.accounts.services import agencies_load
    from chiso.web.campaigns import services

    Path(os.environ["CHISO_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    agencies_load(acting_user=None)
    coordinator = User.objects.create_user("dieuphoi", password=PASSWORD, role="coordinator")
    members = {
        code: User.objects.create_user(
            f"cb.{code.lower()}",
            password=PASSWORD,
            role="agency_member",
            agency=Agency.objects.get(code=code),
        )
        for code in ("BDT", WRITER)
    }
    campaign = services.campaign_open(
        acting_user=coordinator,
        year=2025,
        title="Tham luận SIPAS, PAR INDEX năm 2025",
        deadline=timezone.now() + timedelta(days=7),
    )
    own = campaign.contributions.get(agency__code="BDT")
    services.contribution_save_draft(
        acting_user=members["BDT"],
        contribution=own,
        content=samples.contribution_content(own, "bản nháp"),
    )
    folder = Path(os.environ["CHISO_DATA_DIR"]).parent / "demo-files"
    export_demo(folder)
    return {
        "campaign": campaign.pk,
        "contribution": own.pk,
        "coordinator": coordinator.username,
        "member": members["BDT"].username,
        "password": PASSWORD,
        "submit_form": samples.contribution_form(own, "submit", "nộp"),
        "sheet": str(folder / "bang-diem-lang-son-2025.csv"),
        "results": str(folder / "ket-qua-cac-tinh-2025.csv"),
    }


def populate() -> dict:
    from chiso.web.accounts.models import User
    from chiso.web.actions import services as actions
    from chiso.web.campaigns import services
    from chiso.web.campaigns.models import Contribution
    from chiso.web.datasets.services import dataset_import

    info = setup()
    coordinator = User.objects.get(username=info["coordinator"])
    member = User.objects.get(username=info["member"])
    own = Contribution.objects.get(pk=info["contribution"])
    services.attachment_add(
        acting_user=member, contribution=own, uploaded_file=_upload("bao-cao.pdf", PDF)
    )
    services.attachment_add(
        acting_user=member,
        contribution=own,
        uploaded_file=_upload("phu-luc.docx", samples.docx("Báo cáo kèm tham luận")),
    )
    services.contribution_submit(acting_user=member, contribution=own)
    services.contribution_accept(acting_user=coordinator, contribution=own)
    created = actions.actions_from_contribution(acting_user=coordinator, contribution=own)
    actions.evidence_add(
        acting_user=coordinator,
        action=created[0],
        uploaded_file=_upload("quyet-dinh.pdf", PDF.replace(b"1.4", b"1.7")),
        note="Quyết định ban hành kế hoạch",
    )
    for path, kind in ((info["sheet"], "sheet"), (info["results"], "results")):
        dataset_import(
            acting_user=coordinator,
            kind=kind,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=_upload(Path(path).name, Path(path).read_bytes()),
        )
    return info


def online_backup(target: str) -> dict:
    """Back up while another thread saves a draft again and again (each save: the text and its
    audit row in one transaction). Returns how many saves committed before and after."""
    from django.db import connection

    from chiso.web import backup
    from chiso.web.accounts.models import User
    from chiso.web.campaigns import services
    from chiso.web.campaigns.models import Contribution

    stop = threading.Event()
    saves = []
    failures = []

    def writer() -> None:
        try:
            user = User.objects.get(username=f"cb.{WRITER.lower()}")
            contribution = Contribution.objects.get(agency__code=WRITER)
            while not stop.is_set():
                n = len(saves) + 1
                services.contribution_save_draft(
                    acting_user=user,
                    contribution=contribution,
                    content=services.ContributionContent(general_text=f"lượt {n}"),
                )
                saves.append(time.monotonic())
        except BaseException as exc:  # reported to the test, which fails on it
            failures.append(repr(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(saves) < 5 and thread.is_alive():
        time.sleep(0.01)
    began = time.monotonic()
    manifest = backup.backup(Path(target))
    ended = time.monotonic()
    while len([t for t in saves if t > ended]) < 5 and thread.is_alive():
        time.sleep(0.01)
    stop.set()
    thread.join()
    return {
        "saves_before": len([t for t in saves if t < began]),
        "saves_during": len([t for t in saves if began <= t <= ended]),
        "saves_after": len([t for t in saves if t > ended]),
        "failures": failures,
        "tables": manifest.tables,
        "missing": manifest.missing,
    }


def dump() -> dict:
    from django.apps import apps
    from django.conf import settings
    from django.core import serializers

    rows, tables = {}, {}
    for model in apps.get_models():
        queryset = model._default_manager.order_by("pk")
        rows[model._meta.label] = json.loads(serializers.serialize("json", queryset))
        tables[model._meta.label] = model._meta.db_table
    stored = {}
    folders = {
        "uploads": Path(settings.CHISO_UPLOAD_DIR),
        "datasets": Path(settings.DATA_DIR) / "datasets",
    }
    for prefix, folder in folders.items():
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                stored[f"{prefix}/{path.relative_to(folder).as_posix()}"] = digest
    return {"rows": rows, "tables": tables, "files": stored}


def main(argv: list[str]) -> None:
    _django()
    command, *args = argv
    result = {
        "setup": setup,
        "populate": populate,
        "online-backup": online_backup,
        "dump": dump,
    }[command](*args)
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
