from concurrent.futures import ThreadPoolExecutor

from chiso.sipas import synth
from chiso.sipas.export import unit_names
from chiso.sipas.questionnaire import embedded


def test_unit_names_from_many_threads_at_once(tmp_path):
    q = embedded("sipas-2024")
    path = synth.write(
        q,
        synth.SynthSpec(respondents=2000, seed=3, units=synth.default_units(q, 20)),
        tmp_path / "r.parquet",
    )
    expected = unit_names(path, "unit", q)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: unit_names(path, "unit", q), range(200)))
    assert all(r == expected for r in results)
