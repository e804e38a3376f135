from chiso.demo import parindex as demo
from chiso.demo.files import export_demo
from chiso.frameworks import embedded
from chiso.parindex.importers import import_results_table, import_score_sheet


def test_exported_files_reimport_to_the_same_data(tmp_path):
    paths = export_demo(tmp_path)
    assert len(paths) == 12  # 3 years x (table, sheet) x (csv, xlsx)
    for year in demo.YEARS:
        framework = embedded(year)
        for suffix in ("csv", "xlsx"):
            sheet = import_score_sheet(
                tmp_path / f"bang-diem-lang-son-{year}.{suffix}",
                framework=framework,
                province="Lạng Sơn",
            )
            assert sheet.achieved() == demo.sheet(year).achieved()
            table = import_results_table(
                tmp_path / f"ket-qua-cac-tinh-{year}.{suffix}", year=year, framework=framework
            )
            assert table.values() == demo.table(year).values()
            assert {r.province: r.rank for r in table.rows} == {
                r.province: r.rank for r in demo.table(year).rows
            }
