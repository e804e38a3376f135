"""Write a built document where the user asked: DOCX always, PDF on request, atomically.

Generation runs the consistency checks first, so every command that writes a document also
shows its warnings; nothing half-written is ever left at the target path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chiso.documents.checks import Finding, check_document
from chiso.documents.model import Document
from chiso.documents.nd30 import build_docx


@dataclass(frozen=True)
class Written:
    docx: Path
    pdf: Path | None
    findings: tuple[Finding, ...]


def _atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_document(document: Document, path: str | Path, *, pdf: bool = False) -> Written:
    """Check, build and write ``document`` as DOCX (and PDF beside it when asked)."""
    from chiso.documents.pdf import to_pdf

    path = Path(path)
    findings = tuple(check_document(document))
    data = build_docx(document)
    pdf_bytes = to_pdf(data) if pdf else None  # before writing: a missing LibreOffice loses nothing
    _atomic(path, data)
    pdf_path = None
    if pdf_bytes is not None:
        pdf_path = path.with_suffix(".pdf")
        _atomic(pdf_path, pdf_bytes)
    return Written(path, pdf_path, findings)
