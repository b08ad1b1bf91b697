"""A fitted order and its standard error stay together on a line, and "s.e." is spelled out
under every page of a table whose cells use it."""
from analysis.empirical import one_se
from analysis.pages import (
    FONT,
    NBSP,
    Column,
    Table,
    _floor_unit,
    abbreviation_notes,
    bound_spaces,
    string_width,
    table_notes,
    unbroken_groups,
)

CELL = "1.97ᶠ" + one_se("0.025") + " [k = 18–21]"


def _lines(text: str) -> list[str]:
    """The lines a cell set by :func:`unbroken_groups` may end at: its breakable spaces."""
    return text.split(" ")


def test_value_and_se_never_part_in_a_cell() -> None:
    unit = "1.97ᶠ ± 0.025"
    w = string_width(unit, 7, FONT)
    for width in (w, w + 5, 60.0, 90.0):
        for part in _lines(unbroken_groups(CELL, width, 7)):
            assert not part.endswith("±") and not part.startswith("±"), (width, part)


def test_column_least_width_holds_value_and_se() -> None:
    # the widest unit is the value with its uncertainty, wider than "[k = 18–21]"
    unit = string_width("1.97ᶠ ± 0.025", 7, FONT)
    assert unit > string_width("[k = 18–21]", 7, FONT)
    assert _floor_unit(CELL, 7, FONT) == unit


def test_prose_binds_value_and_se() -> None:
    text = bound_spaces("measured order 1.79 ± 0.16 within the band; mean ± standard error")
    assert f"1.79{NBSP}±{NBSP}0.16" in text
    assert f"mean{NBSP}±{NBSP}standard" in text


def _table(rows: list[list[str]]) -> Table:
    return Table([Column("method"), Column("order")], rows)


def test_se_spelled_out_where_a_cell_uses_it() -> None:
    t = _table([["Newton", CELL], ["GD", "—"]])
    note = abbreviation_notes("(1 s.e.)")
    assert len(note) == 1 and note[0].startswith("s.e.: standard error")
    assert note[0] in table_notes(t)
    assert note[0] in table_notes(t, t.rows[:1], ends=False)  # a page holding the cell
    assert note[0] not in table_notes(t, t.rows[1:], ends=False)  # a page without it
