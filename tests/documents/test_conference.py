"""The programme with presenting agencies chosen by the organisers (the web app's list)."""

from datetime import datetime, timedelta, timezone

import pytest

from chiso import vi
from chiso.documents import conference as papers
from chiso.parindex.export import agency_name
from chiso.parindex.inputs import analyse_province

VN = timezone(timedelta(hours=7))
START = datetime(2026, 5, 29, 14, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def analysis():
    return analyse_province(province="Lạng Sơn", year=2025)


def _presenters(steps):
    return [(who, item) for _, item, who in steps if item.startswith("Tham luận")]


def test_chosen_agencies_present_in_order_of_points_lost(analysis):
    losers = [g.agency for g in analysis.agencies]
    chosen = (losers[3], losers[0])  # given out of order on purpose
    setting = papers.Conference(start=START, venue="Hội trường", agencies=chosen)
    presenters = _presenters(papers.programme(analysis, setting))
    assert [who for who, _ in presenters] == [agency_name(losers[0]), agency_name(losers[3])]
    assert all("mất" in item for _, item in presenters)


def test_a_chosen_agency_without_losses_presents_last(analysis):
    losers = {g.agency for g in analysis.agencies}
    spare = next(code for code in ("SYT", "SCT", "SXD") if code not in losers)
    first = analysis.agencies[0].agency
    setting = papers.Conference(start=START, venue="Hội trường", agencies=(spare, first))
    presenters = _presenters(papers.programme(analysis, setting))
    assert [who for who, _ in presenters] == [agency_name(first), agency_name(spare)]
    assert "mất" not in presenters[-1][1]


def test_without_a_choice_the_largest_losses_present(analysis):
    setting = papers.Conference(start=START, venue="Hội trường", presenters=2)
    presenters = _presenters(papers.programme(analysis, setting))
    assert [who for who, _ in presenters] == [agency_name(g.agency) for g in analysis.agencies[:2]]


def test_the_campaigns_own_losses_replace_the_frameworks_when_given(analysis):
    """The web app passes the points each agency lost as its campaign assigns them (after a
    reassignment): the programme reads those, not the framework's lead agencies."""
    first, second = analysis.agencies[0].agency, analysis.agencies[1].agency
    lost = {first: 0.25, second: 3.5, "SXD": 0.0}  # second now leads more; SXD lost nothing
    setting = papers.Conference(start=START, venue="Hội trường", presenters=3, lost=lost)
    presenters = _presenters(papers.programme(analysis, setting))
    assert [who for who, _ in presenters] == [agency_name(second), agency_name(first)]
    assert "mất 3,5 điểm" in presenters[0][1] and "mất 0,25 điểm" in presenters[1][1]
    chosen = papers.Conference(
        start=START, venue="Hội trường", agencies=("SXD", first, second), lost=lost
    )
    presenters = _presenters(papers.programme(analysis, chosen))
    assert [who for who, _ in presenters] == [
        agency_name(second),
        agency_name(first),
        agency_name("SXD"),
    ]
    assert "mất" not in presenters[-1][1]


def test_without_the_campaigns_losses_the_framework_decides_as_in_the_cli(analysis):
    default = papers.Conference(start=START, venue="Hội trường")
    assert default.lost is None
    presenters = _presenters(papers.programme(analysis, default))
    expected = [(agency_name(g.agency), g.lost) for g in analysis.agencies[:5]]
    assert [who for who, _ in presenters] == [name for name, _ in expected]
    for (_, item), (_, lost) in zip(presenters, expected, strict=True):
        assert f"mất {vi.format_points(lost)} điểm" in item
    hash(default)  # still usable as a key, as a frozen setting should be
