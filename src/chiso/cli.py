"""The ``chiso`` command line. Each command's docstring is its ``--help``.

Commands only parse options, call one core function and render; user mistakes become a clear
Vietnamese message and a non-zero exit code (1: not found or not possible, 2: invalid input),
never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from chiso import __version__, units
from chiso.errors import ChisoError, ValidationFailed

app = typer.Typer(
    help="chiso — phân tích Chỉ số cải cách hành chính (PAR INDEX) và SIPAS của tỉnh.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
frameworks_app = typer.Typer(help="Khung chỉ số theo từng năm: xem, kiểm tra, nhập từ phụ lục.")
demo_app = typer.Typer(help="Dữ liệu demo nhúng sẵn (minh họa).")
units_app = typer.Typer(help="Danh mục tỉnh, cơ quan, xã phường.")
app.add_typer(frameworks_app, name="frameworks")
app.add_typer(demo_app, name="demo")
app.add_typer(units_app, name="units")

out = Console()
# Messages are not hard-wrapped: a clerk may paste them into a ticket or grep a log.
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _fail(exc: ChisoError) -> None:
    err.print(f"[bold red]Lỗi:[/] {exc.message}", highlight=False)
    if isinstance(exc, ValidationFailed):
        for problem in exc.problems:
            err.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(2)
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        out.print(f"chiso {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="In phiên bản.")
    ] = False,
) -> None:
    """chiso — phân tích Chỉ số cải cách hành chính (PAR INDEX) và SIPAS của tỉnh."""


@app.command()
def analyze(
    province: Annotated[str, typer.Option("--province", "-p", help='Tên tỉnh, ví dụ "Lạng Sơn".')],
    year: Annotated[int, typer.Option("--year", "-y", help="Năm đánh giá, ví dụ 2025.")],
    results: Annotated[
        Path | None,
        typer.Option(
            help="Bảng kết quả các tỉnh (.csv/.xlsx: province, index_percent, rank, LV…)."
        ),
    ] = None,
    sheet: Annotated[
        Path | None,
        typer.Option(
            help="Bảng điểm chi tiết của tỉnh (.csv/.xlsx: code, achieved[, self_assessed, note])."
        ),
    ] = None,
    framework: Annotated[
        Path | None, typer.Option(help="Tệp khung chỉ số YAML (mặc định: khung nhúng sẵn của năm).")
    ] = None,
    previous_sheet: Annotated[
        Path | None, typer.Option(help="Bảng điểm chi tiết năm trước, để so sánh từng tiêu chí.")
    ] = None,
    what_if: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            "-w",
            help="Giả định khôi phục điểm: MÃ (toàn bộ điểm mất) hoặc MÃ=ĐIỂM; lặp lại hoặc "
            "ngăn cách bằng dấu phẩy ngoài số, ví dụ --what-if LV7.2.1 --what-if LV8.1.2=0,5.",
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Dạng kết quả.")] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi ra tệp (bắt buộc với xlsx).")
    ] = None,
    top: Annotated[int, typer.Option(help="Số tiêu chí mất điểm nhiều nhất in ra bảng.")] = 15,
    places: Annotated[
        int, typer.Option(min=1, max=40, help="Tính số điểm cần để tăng 1..K bậc xếp hạng.")
    ] = 5,
) -> None:
    """Phân tích PAR INDEX của một tỉnh trong một năm: điểm đạt, điểm mất theo từng tiêu chí và
    cơ quan chủ trì, thứ hạng, nhóm, so sánh với cả nước, vùng, tỉnh dẫn đầu, tỉnh xếp ngay
    trên, số điểm cần để tăng hạng, và giả định khôi phục điểm (--what-if).

    Không có --results/--sheet thì dùng dữ liệu demo nhúng sẵn của Lạng Sơn (minh họa).
    """
    from chiso.console import render_analysis
    from chiso.parindex import export
    from chiso.parindex.inputs import analyse_province
    from chiso.parindex.whatif import parse_recovery

    try:
        recoveries = tuple(parse_recovery(s) for s in _split_specs(what_if or []))
        analysis = analyse_province(
            province=province,
            year=year,
            results=results,
            sheet=sheet,
            framework=framework,
            previous_sheet=previous_sheet,
            what_if=recoveries,
            climb_places=places,
        )
    except ChisoError as exc:
        _fail(exc)
        return
    if format is Format.table:
        console = Console(file=output.open("w", encoding="utf-8"), width=160) if output else out
        render_analysis(console, analysis, top=top)
        return
    if format is Format.xlsx:
        if output is None:
            _fail(ChisoError("Định dạng xlsx cần --output TỆP.xlsx.", code="missing_output"))
            return
        export.write_xlsx(analysis, output)
        err.print(f"Đã ghi {output}")
        return
    text = (
        json.dumps(export.to_dict(analysis), ensure_ascii=False, indent=2)
        if format is Format.json
        else export.to_csv(analysis)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"Đã ghi {output}")
    else:
        sys.stdout.write(text.lstrip("\ufeff") + ("\n" if format is Format.json else ""))


def _split_specs(specs: list[str]) -> list[str]:
    """Split "LV7.2.1,LV8.1.2=0,5" before each code (a letter), keeping decimal commas."""
    return [p.strip() for spec in specs for p in re.split(r",\s*(?=[^\W\d_])", spec) if p.strip()]


# --- frameworks --------------------------------------------------------------------------------


@frameworks_app.command("list")
def frameworks_list() -> None:
    """Liệt kê các khung chỉ số nhúng sẵn theo năm."""
    from chiso.frameworks import embedded, embedded_years

    t = Table(title="Khung chỉ số PAR INDEX cấp tỉnh nhúng sẵn")
    for header in ("Năm", "Mã", "Căn cứ", "Lĩnh vực", "Tiêu chí", "TC thành phần", "Trạng thái"):
        t.add_column(header)
    try:
        for year in embedded_years():
            fw = embedded(year)
            official = sum(1 for n in fw.nodes.values() if n.official)
            t.add_row(
                str(year),
                fw.code,
                fw.decision,
                str(fw.count("field")),
                str(fw.count("criterion")),
                str(fw.count("subcriterion")),
                "chính thức"
                if fw.official
                else f"minh họa ({official}/{len(fw.nodes)} nút công bố)",
            )
    except ChisoError as exc:
        _fail(exc)
    out.print(t)


@frameworks_app.command("show")
def frameworks_show(
    what: Annotated[str, typer.Argument(help="Năm (ví dụ 2025) hoặc đường dẫn tệp YAML.")],
    depth: Annotated[
        int, typer.Option(min=1, max=3, help="1: lĩnh vực; 2: + tiêu chí; 3: tất cả.")
    ] = 2,
) -> None:
    """In cây lĩnh vực → tiêu chí → tiêu chí thành phần của một khung chỉ số."""
    from chiso.console import render_framework
    from chiso.frameworks import embedded, load

    try:
        fw = embedded(int(what)) if what.isdigit() else load(what)
    except ChisoError as exc:
        _fail(exc)
        return
    render_framework(out, fw, depth=depth)


@frameworks_app.command("validate")
def frameworks_validate(
    files: Annotated[list[Path], typer.Argument(help="Các tệp khung chỉ số YAML cần kiểm tra.")],
) -> None:
    """Kiểm tra tệp khung chỉ số: mã không trùng, nút cha tồn tại, tổng điểm nút con bằng điểm
    nút cha (sai số 0,001), tổng 100 điểm, tổng điểm thẩm định/điều tra như khai báo."""
    from chiso.frameworks import load

    failed = False
    for path in files:
        try:
            fw = load(path)
        except ValidationFailed as exc:
            failed = True
            err.print(f"[red]✗[/] {path}: {exc.message}", highlight=False)
            for problem in exc.problems:
                err.print(f"  - {problem}", highlight=False, markup=False)
            continue
        except ChisoError as exc:
            failed = True
            err.print(f"[red]✗[/] {path}: {exc.message}", highlight=False)
            continue
        out.print(
            f"[green]✓[/] {path}: {fw.code} — {fw.count('field')} lĩnh vực, "
            f"{fw.count('criterion')} tiêu chí, {fw.count('subcriterion')} tiêu chí thành phần, "
            f"tổng {fw.total_max:g} điểm.",
            highlight=False,
        )
    if failed:
        raise typer.Exit(2)


@frameworks_app.command("import")
def frameworks_import(
    annex: Annotated[Path, typer.Argument(help="Tệp phụ lục .xlsx (xem docs/frameworks.md).")],
    year: Annotated[int, typer.Option(help="Năm đánh giá áp dụng khung này.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp YAML sẽ ghi.")],
    decision: Annotated[str, typer.Option(help='Căn cứ, ví dụ "892/QĐ-BNV ngày 05/12/2024".')] = "",
    name: Annotated[str | None, typer.Option(help="Tên khung chỉ số.")] = None,
    sheet: Annotated[str | None, typer.Option(help="Tên trang tính (mặc định: trang đầu).")] = None,
    official: Annotated[bool, typer.Option(help="Đánh dấu toàn bộ là số liệu chính thức.")] = True,
    force: Annotated[bool, typer.Option(help="Ghi đè tệp đã có.")] = False,
) -> None:
    """Nhập khung chỉ số từ tệp phụ lục Excel (mỗi dòng một lĩnh vực/tiêu chí/tiêu chí thành
    phần) và ghi thành tệp YAML đã kiểm tra. Tệp lỗi thì không ghi gì."""
    from chiso.frameworks.annex import import_annex

    if output.exists() and not force:
        _fail(ChisoError(f"Tệp {output} đã có; dùng --force để ghi đè.", code="exists"))
        return
    try:
        fw, text = import_annex(
            annex, year=year, decision=decision, name=name, sheet=sheet, official=official
        )
    except ChisoError as exc:
        _fail(exc)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)  # atomic: a reader never sees half a framework
    out.print(
        f"[green]Đã ghi[/] {output}: {fw.count('field')} lĩnh vực, {fw.count('criterion')} tiêu "
        f"chí, {fw.count('subcriterion')} tiêu chí thành phần, tổng {fw.total_max:g} điểm.",
        highlight=False,
    )


# --- demo and units ------------------------------------------------------------------------------


@demo_app.command("export")
def demo_export(
    folder: Annotated[Path, typer.Argument(help="Thư mục sẽ ghi các tệp demo.")],
) -> None:
    """Ghi dữ liệu demo (minh họa) ra CSV và XLSX đúng định dạng nhập, để xem mẫu hoặc thử
    lệnh analyze với --results/--sheet."""
    from chiso.demo.files import export_demo

    paths = export_demo(folder)
    for path in paths:
        out.print(f"Đã ghi {path}", highlight=False)


@units_app.command("provinces")
def units_provinces(
    year: Annotated[
        int, typer.Option(help="Năm kết quả: ≤ 2024 là 63 tỉnh, từ 2025 là 34.")
    ] = 2025,
) -> None:
    """Danh sách tỉnh, thành phố dùng để xếp hạng kết quả của một năm, kèm vùng."""
    t = Table(title=f"Các tỉnh, thành phố (kết quả năm {year})")
    for header in ("Mã", "Tên", "Vùng"):
        t.add_column(header)
    for p in units.provinces(year):
        t.add_row(p.code, p.full_name, p.region)
    out.print(t)


@units_app.command("agencies")
def units_agencies(
    communes: Annotated[bool, typer.Option(help="Gồm cả UBND các xã, phường.")] = False,
) -> None:
    """Các cơ quan của tỉnh (Lạng Sơn) dùng làm cơ quan chủ trì."""
    t = Table(title="Cơ quan, đơn vị")
    for header in ("Mã", "Tên", "Ghi chú"):
        t.add_column(header)
    for a in units.agencies():
        if a.kind == "commune" and not communes:
            continue
        t.add_row(a.code, a.name, a.note or "")
    out.print(t)


def main() -> None:
    app()
