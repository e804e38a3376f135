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
survey_app = typer.Typer(
    help="Khảo sát sự hài lòng (SIPAS): bảng hỏi, XLSForm, nhập phiếu, ước lượng có khoảng tin cậy."
)
app.add_typer(frameworks_app, name="frameworks")
app.add_typer(survey_app, name="survey")
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


# Earlier years' results tables, for the trend (analyze, report).
HistoryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--history",
        metavar="NĂM=TỆP",
        help="Bảng kết quả các tỉnh của một năm trước, dạng NĂM=TỆP, để vẽ diễn biến chỉ số và "
        "hạng qua các năm; lặp lại cho từng năm, ví dụ --history 2024=ket-qua-2024.xlsx.",
    ),
]


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
    history: HistoryOption = None,
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
            history=_history_files(history or []),
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


def _history_files(specs: list[str]) -> dict[int, Path]:
    """``["2024=ket-qua-2024.xlsx", …]`` → {2024: Path(…)}; one file per year."""
    files: dict[int, Path] = {}
    for spec in specs:
        year, sep, name = spec.partition("=")
        if not sep or not year.strip().isdigit() or not name.strip():
            raise ChisoError(
                f"--history {spec!r}: cần dạng NĂM=TỆP, ví dụ --history 2024=ket-qua-2024.xlsx.",
                code="history_spec",
            )
        if int(year) in files:
            raise ChisoError(f"--history: năm {int(year)} được nêu hai lần.", code="history_spec")
        files[int(year)] = Path(name.strip())
    return files


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


# --- survey (SIPAS) ---------------------------------------------------------------------------


class SurveyFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _progress(label: str):
    """A Rich progress bar as a ``(done, total)`` callback, on stderr so stdout stays data."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    @contextmanager
    def bar():
        with Progress(
            label,
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(label, total=None)

            def update(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            yield update

    return bar()


QUESTIONNAIRE_HELP = "Bảng hỏi: tên có sẵn (xem 'chiso survey questionnaires') hoặc tệp YAML."


@survey_app.command("questionnaires")
def survey_questionnaires() -> None:
    """Liệt kê các bảng hỏi nhúng sẵn: mã, căn cứ, đơn vị khảo sát, số câu hỏi."""
    from chiso.sipas.questionnaire import embedded, embedded_names

    t = Table(title="Bảng hỏi nhúng sẵn")
    for header in (
        "Tên",
        "Mã",
        "Căn cứ",
        "Đơn vị",
        "Hài lòng",
        "Nhận định",
        "Mong đợi",
        "Trạng thái",
    ):
        t.add_column(header)
    kinds = {"province": "tỉnh", "commune": "xã, phường", "department": "sở, ngành"}
    for name in embedded_names():
        q = embedded(name)
        t.add_row(
            name,
            q.code,
            q.decision,
            kinds[q.unit_kind],
            *(str(len(q.items_of_kind(k))) for k in ("satisfaction", "perception", "expectation")),
            "chính thức" if q.official else "minh họa",
        )
    out.print(t)


@survey_app.command("xlsform")
def survey_xlsform(
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp XLSForm .xlsx sẽ ghi.")],
    questionnaire: Annotated[str, typer.Option(help=QUESTIONNAIRE_HELP)] = "tinh-xa-2025",
) -> None:
    """Xuất bảng hỏi thành XLSForm (nhãn tiếng Việt) để tải lên KoboToolbox / ODK Collect."""
    from chiso.sipas.questionnaire import resolve
    from chiso.sipas.xlsform import write_xlsform

    try:
        path = write_xlsform(resolve(questionnaire), output)
    except ChisoError as exc:
        _fail(exc)
        return
    out.print(f"Đã ghi {path}", highlight=False)


@survey_app.command("import")
def survey_import(
    file: Annotated[
        Path, typer.Argument(help="Tệp phiếu .csv/.xlsx (dạng rộng hoặc xuất từ Kobo).")
    ],
    questionnaire: Annotated[str, typer.Option(help=QUESTIONNAIRE_HELP)] = "tinh-xa-2025",
    store: Annotated[Path, typer.Option(help="Thư mục lưu dữ liệu Parquet.")] = Path(
        "du-lieu-khao-sat"
    ),
    sheet: Annotated[str | None, typer.Option(help="Tên trang tính (mặc định: trang đầu).")] = None,
) -> None:
    """Kiểm tra toàn bộ tệp phiếu rồi lưu thành một tệp Parquet bất biến kèm manifest. Tệp có
    lỗi thì không lưu gì và in danh sách lỗi theo dòng, cột."""
    from chiso.sipas.questionnaire import resolve
    from chiso.sipas.responses import import_responses

    try:
        with _progress("Đang kiểm tra phiếu") as progress:
            dataset = import_responses(
                file,
                questionnaire=resolve(questionnaire),
                store=store,
                sheet=sheet,
                progress=progress,
            )
    except ChisoError as exc:
        _fail(exc)
        return
    counts = dataset.manifest["counts"]
    out.print(
        f"[green]Đã lưu[/] {dataset.parquet}: {counts['respondents']} phiếu, {counts['units']} đơn "
        f"vị, {counts['answers']} câu trả lời.",
        highlight=False,
    )
    for flag in dataset.flags[:20]:
        err.print(f"  ! {flag}", highlight=False, markup=False)
    if len(dataset.flags) > 20:
        err.print(f"  … và {len(dataset.flags) - 20} cảnh báo khác (xem manifest).")


@survey_app.command("synth")
def survey_synth(
    respondents: Annotated[int, typer.Option(min=1, help="Số phiếu.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .parquet, .csv hoặc .xlsx.")],
    seed: Annotated[
        int, typer.Option(help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")
    ] = 2025,
    questionnaire: Annotated[str, typer.Option(help=QUESTIONNAIRE_HELP)] = "tinh-xa-2025",
    units: Annotated[
        int | None, typer.Option(help="Số đơn vị đánh số (mặc định: danh mục thật).")
    ] = None,
    villages: Annotated[
        int, typer.Option(help="Số thôn (đơn vị mẫu bậc 1) mỗi đơn vị; 0: không cụm.")
    ] = 3,
) -> None:
    """Sinh phiếu khảo sát giả lập (minh họa) theo dạng rộng đã mô tả: phân cụm theo thôn và
    đơn vị, tỷ lệ hài lòng 70–95%, dùng cho demo, kiểm thử và đo hiệu năng."""
    from chiso.sipas import synth
    from chiso.sipas.questionnaire import resolve

    try:
        q = resolve(questionnaire)
        spec = synth.SynthSpec(
            respondents=respondents,
            seed=seed,
            units=synth.default_units(q, units),
            villages_per_unit=villages,
        )
        with _progress("Đang sinh phiếu") as progress:
            path = synth.write(q, spec, output, progress=progress)
    except ChisoError as exc:
        _fail(exc)
        return
    out.print(f"Đã ghi {path} ({respondents} phiếu minh họa, hạt giống {seed}).", highlight=False)


@survey_app.command("estimate")
def survey_estimate(
    file: Annotated[
        Path, typer.Argument(help="Dữ liệu đã lưu (.parquet) hoặc tệp phiếu .csv/.xlsx.")
    ],
    by: Annotated[
        str, typer.Option(help="Tách theo: unit hoặc một trường hồ sơ (gender…).")
    ] = "unit",
    questionnaire: Annotated[str | None, typer.Option(help=QUESTIONNAIRE_HELP)] = None,
    format: Annotated[
        SurveyFormat, typer.Option("--format", "-f", help="Dạng kết quả.")
    ] = SurveyFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp.")] = None,
    ci: Annotated[str, typer.Option(help="Khoảng tin cậy: logit hoặc korn-graubard.")] = "logit",
    min_n: Annotated[
        int | None, typer.Option(help="Ngưỡng cảnh báo ít phiếu (mặc định theo bảng hỏi).")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option(help="Dữ liệu năm trước, để kiểm định thay đổi.")
    ] = None,
) -> None:
    """Ước lượng mọi chỉ số (câu hỏi, yếu tố, nhóm, chỉ số tổng hợp) cho từng đơn vị: n, tỷ lệ %,
    sai số chuẩn, khoảng tin cậy 95%, hệ số thiết kế, cảnh báo. Phương sai theo thiết kế mẫu
    (tầng, cụm, trọng số); đơn vị xếp theo bậc khi khoảng tin cậy chồng nhau."""
    from chiso.sipas.datasets import as_parquet, manifest, questionnaire_for
    from chiso.sipas.estimate import estimate
    from chiso.sipas.export import unit_names
    from chiso.sipas.reading import changes

    if format is SurveyFormat.xlsx and output is None:
        _fail(ChisoError("Định dạng xlsx cần --output TỆP.xlsx.", code="missing_output"))
        return
    try:
        q = questionnaire_for(file, questionnaire)
        with _progress("Đang kiểm tra phiếu") as progress:
            parquet = as_parquet(file, q, progress=progress)
        results = estimate(parquet, q, by=by, ci=ci, min_n=min_n)
        names = unit_names(parquet, by, q)
        diff = None
        if previous is not None:
            before = estimate(as_parquet(previous, q), q, by=by, ci=ci, min_n=min_n)
            diff = changes(results, before)
    except ChisoError as exc:
        _fail(exc)
        return
    illustrative = bool(manifest(parquet).get("illustrative"))
    _emit_estimates(
        results,
        q,
        names,
        diff,
        illustrative,
        format,
        output,
        {
            "questionnaire": q.code,
            "source": str(file),
            "by": by,
            "ci": ci,
            "illustrative": illustrative,
        },
    )


def _emit_estimates(results, q, names, diff, illustrative, format, output, meta) -> None:
    from chiso.console import render_estimates
    from chiso.sipas.export import rows, to_csv, to_json, write_xlsx

    if format is SurveyFormat.table:
        console = Console(file=output.open("w", encoding="utf-8"), width=160) if output else out
        render_estimates(console, results, q, names, changes=diff, illustrative=illustrative)
        return
    records = rows(results, q, names)
    if format is SurveyFormat.xlsx:
        write_xlsx(records, output, meta)
        err.print(f"Đã ghi {output}")
        return
    text = to_csv(records) if format is SurveyFormat.csv else to_json(records, meta)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"Đã ghi {output}")
    else:
        sys.stdout.write(text.lstrip("\ufeff") + "\n")


@survey_app.command("demo")
def survey_demo(
    year: Annotated[int, typer.Option(help="Năm khảo sát demo: 2024 hoặc 2025.")] = 2025,
    format: Annotated[
        SurveyFormat, typer.Option("--format", "-f", help="Dạng kết quả.")
    ] = SurveyFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp.")] = None,
) -> None:
    """Khảo sát demo (minh họa) của tỉnh Lạng Sơn tại 65 xã, phường: ước lượng, bậc, thay đổi
    so với năm trước."""
    from chiso.demo import sipas as demo
    from chiso.sipas.estimate import estimate
    from chiso.sipas.export import unit_names
    from chiso.sipas.reading import changes

    if year not in demo.YEARS:
        _fail(
            ChisoError(
                f"Khảo sát demo có các năm {', '.join(map(str, demo.YEARS))}.", code="not_found"
            )
        )
        return
    if format is SurveyFormat.xlsx and output is None:
        _fail(ChisoError("Định dạng xlsx cần --output TỆP.xlsx.", code="missing_output"))
        return
    q = demo.questionnaire()
    with _progress("Đang chuẩn bị dữ liệu demo") as progress:
        progress(0, 1)
        path = demo.dataset(year)
        previous = demo.dataset(year - 1) if year - 1 in demo.YEARS else None
    results = estimate(path, q)
    diff = changes(results, estimate(previous, q)) if previous else None
    _emit_estimates(
        results,
        q,
        unit_names(path, "unit", q),
        diff,
        True,
        format,
        output,
        {
            "questionnaire": q.code,
            "source": "chiso demo",
            "year": year,
            "illustrative": True,
            "note": demo.NOTE,
        },
    )


# --- documents (Nghị định 30) -------------------------------------------------------------------


def _report_written(written, label: str) -> None:
    for finding in written.findings:
        err.print(f"  ! {finding}", highlight=False, markup=False)
    out.print(
        f"Đã ghi {label}: {written.docx}" + (f", {written.pdf}" if written.pdf else ""),
        highlight=False,
    )


PDF_HELP = "Ghi thêm bản PDF (cần LibreOffice: apt-get install libreoffice-writer-nogui)."


@app.command()
def invite(
    event: Annotated[Path, typer.Argument(help="Tệp sự kiện YAML (xem examples/).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .docx sẽ ghi.")],
    pdf: Annotated[bool, typer.Option("--pdf", help=PDF_HELP)] = False,
) -> None:
    """Soạn Giấy mời theo Nghị định 30 từ tệp sự kiện YAML (thành phần, thời gian, địa điểm,
    nội dung, tổ chức thực hiện, nơi nhận, người ký); kiểm tra nhất quán trước khi ghi."""
    from chiso.documents.checks import check_event
    from chiso.documents.event import load_event
    from chiso.documents.invitation import invitation
    from chiso.documents.output import write_document

    try:
        loaded = load_event(event)
        for finding in check_event(loaded):
            err.print(f"  ! {finding}", highlight=False, markup=False)
        written = write_document(invitation(loaded), output, pdf=pdf)
    except ChisoError as exc:
        _fail(exc)
        return
    _report_written(written, "Giấy mời")


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="Tệp sự kiện YAML cần kiểm tra.")],
) -> None:
    """Kiểm tra nhất quán: thứ trong tuần khớp ngày, hạn chót sau ngày ban hành và trước sự
    kiện, năm nhắc tới khớp năm tổ chức, số ký hiệu đúng loại văn bản, đủ thành phần bắt buộc.
    Mã thoát 0 khi không có lỗi (có thể có cảnh báo), 2 khi có lỗi."""
    from chiso.documents.checks import run_checks

    try:
        findings = run_checks(file)
    except ChisoError as exc:
        _fail(exc)
        return
    for finding in findings:
        style = "red" if finding.level == "error" else "yellow"
        out.print(f"[{style}]{finding}[/]", highlight=False)
    errors = sum(1 for f in findings if f.level == "error")
    out.print(f"{errors} lỗi, {len(findings) - errors} cảnh báo.", highlight=False)
    if errors:
        raise typer.Exit(2)


@app.command()
def report(
    province: Annotated[str, typer.Option("--province", "-p", help="Tên tỉnh.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Năm đánh giá.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .docx sẽ ghi.")],
    results: Annotated[Path | None, typer.Option(help="Bảng kết quả các tỉnh.")] = None,
    sheet: Annotated[Path | None, typer.Option(help="Bảng điểm chi tiết của tỉnh.")] = None,
    history: HistoryOption = None,
    survey: Annotated[
        Path | None, typer.Option(help="Dữ liệu khảo sát (.parquet) cho phần II.")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help=PDF_HELP)] = False,
    xlsx: Annotated[Path | None, typer.Option(help="Ghi mọi bảng vào một tệp Excel.")] = None,
) -> None:
    """Soạn Báo cáo phân tích kết quả Chỉ số SIPAS, PAR INDEX: kết quả chung, diễn biến, từng
    lĩnh vực, nội dung chưa đạt điểm tối đa theo cơ quan chủ trì, so sánh, điểm cần để tăng hạng,
    khảo sát hài lòng theo bậc, đề xuất; biểu đồ, nguồn dưới mỗi bảng, phụ lục."""
    from chiso.demo.sipas import report_part as demo_report_part
    from chiso.documents.output import write_document
    from chiso.documents.report import analysis_report, survey_part, write_tables
    from chiso.parindex.inputs import analyse_province

    try:
        with _progress("Đang soạn báo cáo") as progress:
            progress(0, 3)
            analysis = analyse_province(
                province=province,
                year=year,
                results=results,
                sheet=sheet,
                history=_history_files(history or []),
            )
            part = None
            if survey is not None:
                part = survey_part(survey, year=year)
            elif results is None and sheet is None:
                part = demo_report_part(analysis.province, year)
            progress(1, 3)
            document = analysis_report(analysis, survey=part)
            progress(2, 3)
            written = write_document(document, output, pdf=pdf)
            if xlsx is not None:
                write_tables(document, xlsx)
            progress(3, 3)
    except ChisoError as exc:
        _fail(exc)
        return
    _report_written(written, "báo cáo")
    if xlsx is not None:
        out.print(f"Đã ghi các bảng: {xlsx}", highlight=False)


@app.command()
def briefs(
    province: Annotated[str, typer.Option("--province", "-p", help="Tên tỉnh.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Năm đánh giá.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Thư mục sẽ ghi các tệp.")],
    deadline: Annotated[str, typer.Option(help="Hạn gửi tham luận, ví dụ 2026-05-27.")],
    conference: Annotated[str, typer.Option(help="Ngày hội nghị, ví dụ 2026-05-29.")],
    results: Annotated[Path | None, typer.Option(help="Bảng kết quả các tỉnh.")] = None,
    sheet: Annotated[Path | None, typer.Option(help="Bảng điểm chi tiết của tỉnh.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help=PDF_HELP)] = False,
) -> None:
    """Soạn công văn gửi từng cơ quan chủ trì: các nội dung mất điểm của cơ quan và ba câu hỏi
    của tham luận (nguyên nhân; trách nhiệm; giải pháp năm sau), kèm hạn gửi."""
    from datetime import date

    from chiso.documents.briefs import agency_briefs
    from chiso.documents.output import write_document
    from chiso.parindex.inputs import analyse_province

    try:
        due, day = date.fromisoformat(deadline), date.fromisoformat(conference)
    except ValueError:
        _fail(ChisoError("Ngày phải có dạng NĂM-THÁNG-NGÀY, ví dụ 2026-05-27.", code="bad_date"))
        return
    try:
        analysis = analyse_province(province=province, year=year, results=results, sheet=sheet)
        for code, document in agency_briefs(analysis, deadline=due, conference=day):
            _report_written(
                write_document(document, output / f"tham-luan-{code}.docx", pdf=pdf), code
            )
    except ChisoError as exc:
        _fail(exc)


@app.command("conference")
def conference_papers(
    province: Annotated[str, typer.Option("--province", "-p", help="Tên tỉnh.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Năm đánh giá.")],
    event: Annotated[Path, typer.Option(help="Tệp sự kiện YAML (thời gian, địa điểm, chủ trì).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Thư mục sẽ ghi các tệp.")],
    results: Annotated[Path | None, typer.Option(help="Bảng kết quả các tỉnh.")] = None,
    sheet: Annotated[Path | None, typer.Option(help="Bảng điểm chi tiết của tỉnh.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help=PDF_HELP)] = False,
) -> None:
    """Soạn tài liệu hội nghị Sở Nội vụ được giao: kịch bản chương trình, đề cương phát biểu
    khai mạc và kết luận, tin bài cho Cổng thông tin điện tử tỉnh."""
    from chiso.documents import conference as papers
    from chiso.documents.event import load_event
    from chiso.documents.output import write_document
    from chiso.parindex.inputs import analyse_province

    try:
        loaded = load_event(event)
        analysis = analyse_province(province=province, year=year, results=results, sheet=sheet)
        chair = next((p.text for p in loaded.participants if p.role), "Lãnh đạo UBND tỉnh")
        venue = loaded.venue.name + (f" ({loaded.venue.address})" if loaded.venue.address else "")
        setting = papers.Conference(start=loaded.start, venue=venue, chair=chair)
        for name, build in (
            ("kich-ban", papers.script),
            ("khai-mac", papers.opening_remarks),
            ("ket-luan", papers.closing_remarks),
            ("tin-bai", papers.news_item),
        ):
            _report_written(
                write_document(build(analysis, setting), output / f"{name}.docx", pdf=pdf), name
            )
    except ChisoError as exc:
        _fail(exc)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng.")] = 8000,
) -> None:
    """Chạy ứng dụng web: cập nhật cơ sở dữ liệu, nạp danh mục cơ quan và tài khoản demo ở lần
    chạy đầu, in các tài khoản demo rồi mở máy chủ tại http://HOST:PORT."""
    import os

    if host not in ("127.0.0.1", "localhost") and "CHISO_ALLOWED_HOSTS" not in os.environ:
        os.environ["CHISO_ALLOWED_HOSTS"] = "*" if host == "0.0.0.0" else host
    from django.core.exceptions import ImproperlyConfigured

    from chiso.web import bootstrap

    try:
        bootstrap.configure()
        accounts = bootstrap.prepare()
    except ImproperlyConfigured as exc:
        err.print(f"[bold red]Lỗi cấu hình:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    from django.core.management import call_command

    from chiso.web.accounts.services import DEMO_PASSWORD

    if accounts:
        table = Table(title=f"Tài khoản demo (mật khẩu: {DEMO_PASSWORD})")
        for column in ("Tên đăng nhập", "Vai trò", "Cơ quan"):
            table.add_column(column)
        for account in accounts:
            table.add_row(account.username, account.role, account.agency)
        out.print(table)
    out.print(f"Mở trình duyệt tại http://{host}:{port}/ (Ctrl+C để dừng).", highlight=False)
    call_command("runserver", f"{host}:{port}", use_reloader=False)


def _web_configured() -> None:
    """Django set up from the environment (CHISO_DATA_DIR, DATABASE_URL …), or exit 2."""
    from django.core.exceptions import ImproperlyConfigured

    from chiso.web import bootstrap

    try:
        bootstrap.configure()
    except ImproperlyConfigured as exc:
        err.print(f"[bold red]Lỗi cấu hình:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc


@app.command()
def backup(
    file: Annotated[
        Path, typer.Argument(help="Tệp sao lưu sẽ tạo, ví dụ chiso-2026-05-27.tar.gz.")
    ],
) -> None:
    """Sao lưu cơ sở dữ liệu và mọi tệp (đính kèm, minh chứng, dữ liệu đã nhập) vào một tệp
    .tar.gz kèm bản kê mã SHA-256; chạy được khi máy chủ đang phục vụ."""
    _web_configured()
    from chiso.web import backup as backups

    try:
        manifest = backups.backup(file)
    except (ChisoError, OSError) as exc:
        err.print(f"[bold red]Lỗi:[/] {getattr(exc, 'message', exc)}", highlight=False)
        raise typer.Exit(2) from None
    out.print(
        f"Đã sao lưu vào {file}: {len(manifest.tables)} bảng, {manifest.rows} dòng, "
        f"{manifest.stored_files} tệp.",
        highlight=False,
        soft_wrap=True,
    )
    for name in manifest.missing:
        err.print(f"Cảnh báo: tệp {name} bị xóa trong lúc sao lưu.", highlight=False)


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="Tệp do chiso backup tạo.")],
    force: Annotated[
        bool, typer.Option("--force", help="Thay dữ liệu hiện có (mặc định: từ chối ghi đè).")
    ] = False,
) -> None:
    """Khôi phục từ tệp sao lưu: kiểm tra mã SHA-256 của mọi tệp trước, không ghi đè dữ liệu
    đang có nếu thiếu --force, thay cơ sở dữ liệu và thư mục tệp một lần rồi cập nhật cấu trúc
    (migrate). Dừng máy chủ trước khi khôi phục."""
    _web_configured()
    from chiso.web import backup as backups

    try:
        manifest = backups.restore(file, force=force)
    except (ChisoError, OSError) as exc:
        err.print(f"[bold red]Lỗi:[/] {getattr(exc, 'message', exc)}", highlight=False)
        raise typer.Exit(2) from None
    out.print(
        f"Đã khôi phục từ {file} (tạo lúc {manifest.created_at}): {len(manifest.tables)} bảng, "
        f"{manifest.rows} dòng, {manifest.stored_files} tệp.",
        highlight=False,
        soft_wrap=True,
    )


def main() -> None:
    app()
