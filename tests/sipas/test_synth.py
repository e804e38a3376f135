import numpy as np
import pyarrow.parquet as pq

from chiso.sipas import synth
from chiso.sipas.datasets import manifest
from chiso.sipas.questionnaire import embedded


def test_seeded_clustered_and_in_range(tmp_path):
    q = embedded("sipas-2024")
    spec = synth.SynthSpec(
        respondents=6000, seed=11, units=synth.default_units(q, 5), villages_per_unit=3
    )
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    synth.write(q, spec, a)
    synth.write(q, spec, b)
    ta, tb = pq.read_table(a), pq.read_table(b)
    assert ta.equals(tb)  # same seed, same data
    assert ta.num_rows == 6000 and len(set(ta.column("psu").to_pylist())) == 15
    assert set(ta.column_names) >= {"respondent_id", "unit", "stratum", "psu", "weight", *q.items}
    for code, item in q.items.items():
        values = ta.column(code).drop_null().to_numpy()
        assert set(np.unique(values)) <= set(q.scales[item.scale].labels)
    # Unit satisfaction levels spread between 70 % and 95 %, up to sampling noise.
    units = ta.column("unit").to_numpy(zero_copy_only=False)
    answers = ta.column("C9.20").to_numpy(zero_copy_only=False).astype(float)
    for unit in np.unique(units):
        mine = answers[(units == unit) & ~np.isnan(answers)]
        assert 0.45 < np.isin(mine, [4, 5]).mean() < 0.99
    assert manifest(a)["illustrative"] is True


def test_csv_output_is_the_documented_wide_format(tmp_path):
    q = embedded("tinh-xa-2025")
    path = synth.write(q, synth.SynthSpec(respondents=50, seed=1), tmp_path / "p.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",")
    assert header[:5] == ["respondent_id", "unit", "stratum", "psu", "weight"]
    assert header[5 : 5 + len(q.items)] == list(q.items)


def test_two_writers_of_the_same_file_at_once(tmp_path):
    """Web workers generating the demo survey at the same moment: each writes a temporary file of
    its own, so both finish and the file is whole (one shared temporary name made the second
    writer fail, or rename a file the first was still writing)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    q = embedded("sipas-2024")
    spec = synth.SynthSpec(respondents=4000, seed=5, units=synth.default_units(q, 4))
    path = tmp_path / "demo.parquet"
    both_writing = threading.Barrier(2, timeout=30)
    first_chunk: set[int] = set()

    def progress(done: int, total: int) -> None:
        if threading.get_ident() not in first_chunk:
            first_chunk.add(threading.get_ident())
            both_writing.wait()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: synth.write(q, spec, path, progress), range(2)))
    assert results == [path, path]
    assert pq.read_table(path).equals(pq.read_table(synth.write(q, spec, tmp_path / "one.parquet")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.parquet", "one.parquet"]
