"""How long the demo analysis report takes to generate, against a plain python-docx peer.

Target (issue "Official documents"): the demo report in under 5 s on the 2-core machine. The
peer, measured in the same run, writes the same tables and the same chart images into a default
python-docx document without the Nghị định 30 layout, so the ratio shows what the layout costs;
the chart rendering is timed separately because both share it.

Run: ``.venv/bin/python benchmarks/report_generation.py`` (about a minute).
"""

from __future__ import annotations

import os
import tempfile
import time
from io import BytesIO

REPEAT = 3


def best(fn, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    os.environ.setdefault("CHISO_CACHE", os.path.join(tempfile.gettempdir(), "chiso-bench-cache"))
    cold_start = time.perf_counter()
    from chiso.demo.sipas import report_part
    from chiso.documents import charts
    from chiso.documents.model import Figure, Table
    from chiso.documents.nd30 import build_docx
    from chiso.documents.report import analysis_report
    from chiso.parindex.inputs import analyse_province

    analysis = analyse_province(province="Lạng Sơn", year=2025)
    survey = report_part("Lạng Sơn", 2025)
    document = analysis_report(analysis, survey=survey)
    build_docx(document)
    cold = time.perf_counter() - cold_start

    def inputs():
        return analyse_province(province="Lạng Sơn", year=2025), report_part("Lạng Sơn", 2025)

    def whole():
        a, s = inputs()
        return build_docx(analysis_report(a, survey=s))

    t_inputs, _ = best(inputs)
    t_document, _ = best(lambda: analysis_report(analysis, survey=survey))
    t_charts, _ = best(
        lambda: [
            charts.field_scores(analysis).png(),
            charts.trend(analysis).png(),
            charts.lost_by_agency(analysis).png(),
            charts.peers(analysis).png(),
        ]
    )
    t_docx, data = best(lambda: build_docx(document))
    t_whole, _ = best(whole)

    def peer() -> bytes:
        import docx

        plain = docx.Document()
        for block in (*document.body, *(b for ap in document.appendices for b in ap.blocks)):
            if isinstance(block, Table):
                table = plain.add_table(rows=1, cols=len(block.headers))
                for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                    cell.text = text
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
            elif isinstance(block, Figure):
                plain.add_picture(BytesIO(block.png))
            elif hasattr(block, "runs"):
                plain.add_paragraph("".join(r.text for r in block.runs))
            elif hasattr(block, "text"):
                plain.add_paragraph(block.text)
        out = BytesIO()
        plain.save(out)
        return out.getvalue()

    t_peer, _ = best(peer)
    rows = [
        ("first run in a fresh process (imports, caches)", cold),
        ("inputs: analysis + survey estimates (warm)", t_inputs),
        ("document content incl. charts", t_document),
        ("  of which 4 PAR charts alone", t_charts),
        ("ND30 DOCX layout (build_docx)", t_docx),
        ("peer: same content, plain python-docx", t_peer),
        ("whole report, warm (inputs → DOCX)", t_whole),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"Báo cáo demo: {len(data) / 1e6:.2f} MB DOCX, {len(document.body)} khối nội dung")
    for label, seconds in rows:
        print(f"  {label:<{width}}  {seconds:6.2f} s")
    print(f"  ratio ND30 layout / plain python-docx peer: {t_docx / t_peer:.2f}x")
    for label, seconds, target in (("warm", t_whole, 5.0), ("cold", cold, 5.0)):
        verdict = "PASS" if seconds <= target else "FAIL"
        print(f"  {verdict}: whole report {label} {seconds:.2f} s (target ≤ {target:.0f} s)")


if __name__ == "__main__":
    main()
