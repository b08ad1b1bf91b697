"""Small figure items: axis labels within their axes, wrapped panel titles of one row,
the diverged-cell marker of a campaign's 1-D grid."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import plots


def _label_outside_axes(fig: Figure) -> list[str]:
    """Axis labels of ``fig`` longer than their axes' span (measured on the drawn figure:
    the label's box against the axes' box, 1 px slack)."""
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    bad = []
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        y = ax.yaxis.label
        if y.get_text():
            e = y.get_window_extent(renderer)
            if e.y0 < box.y0 - 1 or e.y1 > box.y1 + 1:
                bad.append(y.get_text())
        x = ax.xaxis.label
        if x.get_text():
            e = x.get_window_extent(renderer)
            if e.x0 < box.x0 - 1 or e.x1 > box.x1 + 1:
                bad.append(x.get_text())
    return bad


def test_grad_norm_label_stays_within_short_panels():
    """Kink p. 9: "gradient norm ‖∇f(xₖ)‖∞ (log scale)" (about 190 pt at 10 pt) stood
    beside panels about 100 pt tall and reached up beside the figure's title.  Measured on
    the drawn figure, every axis label now lies within its axes' span, and the label keeps
    its symbol."""
    runs = {"Newton": np.geomspace(5.0, 1.0, 5), "GD": np.geomspace(5.0, 1.0, 1001),
            "Adam": np.geomspace(5.0, 1.0, 1001)}
    fig = plots.plot_grad_norm(runs, gtol=1e-6,
                               fig=Figure(figsize=(6.3, 2.6), layout="constrained"))
    assert _label_outside_axes(fig) == []
    label = fig.axes[0].yaxis.label.get_text()
    assert "‖∇f(xₖ)‖∞" in label and label != "gradient norm ‖∇f(xₖ)‖∞ (log scale)"


def test_axis_label_forms_shorten_then_wrap():
    """The forms tried are the label, the shortened log note, then two lines; each form's
    longest line is measured independently against the span."""
    size = 10.0
    label = "gradient norm ‖∇f(xₖ)‖∞ (log scale)"
    whole = plots.text_width_pt(label, size)
    assert plots.axis_label_forms(label, 1e4, size)[0] == label
    forms = plots.axis_label_forms(label, whole - 1.0, size)
    assert forms[1] == "gradient norm ‖∇f(xₖ)‖∞ (log)"
    assert plots.text_width_pt(forms[1], size) < whole
    two = [f for f in forms if f.count("\n") == 1]
    assert two and all(f.replace("\n", " ") in (label, forms[1]) for f in two)
