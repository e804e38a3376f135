"""chiso.vi's number formatting on any finite float: the importers quote the numbers they refuse
("Điểm 1e+308 vượt điểm tối đa …"), so formatting must never fail on what a file can hold."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chiso import vi


@settings(max_examples=200)
@given(value=st.floats(allow_nan=False, allow_infinity=False), decimals=st.integers(0, 4))
@example(value=1e308, decimals=2)  # found by the web upload fuzz test: Decimal's 28 digits
@example(value=-1e30, decimals=0)
@example(value=5e-324, decimals=4)
def test_any_finite_number_formats_and_reads_back(value, decimals):
    text = vi.format_number(value, decimals)
    assert vi.format_points(value) and vi.format_percent(value, decimals).endswith("%")
    if decimals == 0 and abs(value) >= 999.5:
        return  # "1.000" alone reads as one point zero: parse_number's documented choice
    assert abs(vi.parse_number(text) - value) <= 0.5 * 10**-decimals + abs(value) * 1e-15
