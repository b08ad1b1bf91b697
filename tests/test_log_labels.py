"""Labels of log axes between decades: plain numbers where they are short (kink report p. 7
read "4 × 10¹ … 7 × 10¹" on an ECDF's cost axis from 38 to 75)."""

from analysis import plots


@plots.styled
def _figure(xlim, ylim):
    fig = plots.new_figure(None, (5.0, 3.0))
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.plot(xlim, ylim)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return fig


def _drawn(axis, lo, hi):
    """The non-empty minor tick labels of ``axis`` at ticks inside [lo, hi]."""
    return {round(float(t.get_position()[0 if axis.axis_name == "x" else 1]), 9): t.get_text()
            for t in axis.get_ticklabels(minor=True)
            if t.get_text() and lo <= t.get_position()[0 if axis.axis_name == "x" else 1] <= hi}


def test_ticks_within_a_decade_are_plain_numbers():
    fig = _figure((38.0, 75.0), (2e-6, 8e-6))
    fig.draw_without_rendering()
    ax = fig.axes[0]
    xs = _drawn(ax.xaxis, 38.0, 75.0)
    # matplotlib labels every tick of an axis under 0.4 decades: 40, 50, 60, 70
    assert xs == {40.0: "40", 50.0: "50", 60.0: "60", 70.0: "70"}
    assert plots.audit(fig) == []
    ys = _drawn(ax.yaxis, 2e-6, 8e-6)
    # far from 1 the labels keep their power of ten
    assert ys and all("10^{-6}" in t and "times" in t for t in ys.values())


def test_an_axis_over_a_decade_keeps_its_powers():
    """An axis with a decade to label keeps matplotlib's powers of ten on every label."""
    fig = _figure((3.0, 400.0), (1e-8, 1e-2))
    fig.draw_without_rendering()
    ax = fig.axes[0]
    for axis in (ax.xaxis, ax.yaxis):
        texts = [t.get_text() for t in plots._drawn_tick_labels(axis)]
        assert texts and {plots.tick_format(t) for t in texts} - {"any"} == {"power"}
    assert plots.audit(fig) == []
