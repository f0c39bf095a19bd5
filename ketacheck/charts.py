"""Result -> charts, each with a plain-language text equivalent.

Built from the `Result` only (never from raw answers), so a chart can never say something the
explained result does not. Plain Python and plotly; no Streamlit.

Every chart is made to be read on a 360 px phone and without colour:
- category labels sit above their bar (not as axis ticks), so nothing is cut off at the left edge;
- band and threshold names are written on the chart, and every bar's label says its value and band;
- the palette is blue / orange / dark red (safe for red-green colour blindness), bars have a dark
  outline so they stand out from the light band shading;
- nothing is loaded from elsewhere: default fonts and template, no images or map tiles.

`Chart.text` is complete enough to replace the figure for a screen reader or a text-only view.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from .content import Content
from .criteria import MET, NOT_COUNTED, NOT_MET, UNKNOWN
from .instrument_scores import InstrumentScore
from .scoring import Result
from .translations import N_

# Colour-blind-safe family (blue / orange / dark red); light versions shade the bands behind bars.
BAR = {"low": "#4C78A8", "some": "#F58518", "high": "#B0301F"}
SHADE = {"low": "#DCE6F1", "some": "#FDE5CC", "high": "#F2D4D0"}
# Instrument bands in order of concern (2 for a cut-off, 4 for the DSM-5-based checklist).
BAND_BARS = ["#4C78A8", "#F58518", "#D45A1A", "#B0301F"]
BAND_SHADES = ["#DCE6F1", "#FDE5CC", "#F9D3BC", "#F2D4D0"]
NEUTRAL = "#55606E"  # bars that carry no band verdict (area scores, SDS)
UNANSWERED = "#9AA0A6"
OUTLINE = "#1F1F1F"
INK = "#1F1F1F"
FAINT_INK = "#444444"

ROW_PX = 40  # one bar plus the label above it
BAR_WIDTH = 0.42  # of a row, in category units
SMALL = 12  # font size for band and threshold labels
# The domain scale is 0-100; the axis runs a little past 100 so the "100" tick label is not hidden at
# the right edge of a phone screen (plotly hides tick labels that would overflow the chart).
DOMAIN_AXIS_END = 104


@dataclass(frozen=True)
class Chart:
    id: str  # "criteria" | "domains" | "instrument:<id>"
    title: str
    figure: go.Figure
    text: str  # plain-language text equivalent


# What every chart shares. No plotly template: every style here is explicit and Streamlit's theme
# applies on top; the default template tripled each chart's bytes (48.7 -> 16.4 KB per result page).
_BASE_LAYOUT = {
    "template": go.layout.Template(),
    "autosize": True,
    "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
    "font": {"size": 14},
    "showlegend": False,
    "dragmode": False,
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
}


def number(x: float) -> str:
    """Points and scores as people read them: 1.5, 2, 0.75 (no trailing zeros, 2 decimals at most)."""
    return f"{round(float(x), 2):g}"


# ---------------------------------------------------------------- shared layout


def _height(rows: int) -> int:
    return max(150, 64 + ROW_PX * rows)


def _bars(labels: list[str], values: list[float], colours: list[str], hover: list[str], name: str) -> go.Bar:
    """Horizontal bars drawn just below each category position; the label annotation sits above."""
    return go.Bar(
        name=name,
        orientation="h",
        x=values,
        y=labels,
        width=BAR_WIDTH,
        offset=0.0,
        marker={"color": colours, "line": {"color": OUTLINE, "width": 1}},
        hovertext=hover,
        hoverinfo="text",
        showlegend=False,
    )


def _bar_label(row: int, text: str) -> dict:
    """The bar's name and value, written just above it (row = the bar's position, 0 at the top)."""
    return {
        "x": 0,
        "y": row,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": 1,
        "align": "left",
        "font": {"size": 14, "color": INK},
        "bgcolor": "rgba(255,255,255,0.8)",  # keeps the label readable where a threshold line crosses it
        "borderpad": 0,
    }


def _top_label(x: float, text: str, anchor: str = "center", row: int = 0) -> dict:
    """A band or threshold name in the top margin, above the plot; `row` staggers crowded labels."""
    return {
        "x": x,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "xanchor": anchor,
        "yanchor": "bottom",
        "yshift": 1 + 16 * row,
        "font": {"size": SMALL, "color": FAINT_INK},
    }


def _band(x0: float, x1: float, colour: str) -> dict:
    return {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "fillcolor": colour,
        "line": {"width": 0},
        "layer": "below",
    }


def _vline(x: float, dash: str = "solid") -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": INK, "width": 1.5, "dash": dash},
        "layer": "above",
    }


def _anchor(x: float, lo: float, hi: float) -> str:
    """Left-anchor labels in the left part of the axis and right-anchor them near the right edge."""
    return "right" if (x - lo) > 0.6 * (hi - lo) else "left"


def _figure(
    traces: list,
    categories: list[str],
    x_range: list[float],
    shapes: list[dict],
    annotations: list[dict],
    tickvals=None,
) -> go.Figure:
    rows = max(len(categories), 1)
    layout = {
        **_BASE_LAYOUT,
        "height": _height(rows),
        "hovermode": "closest",
        "xaxis": dict(
            range=x_range,
            fixedrange=True,
            automargin=True,
            showgrid=False,
            zeroline=False,
            ticks="outside",
            **({"tickvals": tickvals} if tickvals is not None else {}),
        ),
        # Categories are labelled by annotations above each bar, so tick labels are hidden; the range
        # leaves room above the first bar for its label. First category at the top.
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": categories,
            "range": [rows - 1 + BAR_WIDTH + 0.12, -0.62],
            "showticklabels": False,
            "ticks": "",
            "showline": False,
            "fixedrange": True,
            "automargin": True,
        },
        "shapes": shapes,
        "annotations": annotations,
        "barmode": "overlay",
    }
    return go.Figure(data=traces, layout=layout)


def _empty(message: str) -> go.Figure:
    layout = {
        **_BASE_LAYOUT,
        "height": _height(2),
        "xaxis": {"visible": False, "fixedrange": True, "range": [0, 1]},
        "yaxis": {"visible": False, "fixedrange": True, "range": [0, 1]},
        "annotations": [
            {
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "text": message,
                "showarrow": False,
                "font": {"size": 16, "color": INK},
            }
        ],
    }
    return go.Figure(layout=layout)


# ---------------------------------------------------------------- domain profile


def domain_profile(result: Result, content: Content) -> Chart:
    """Each scored domain on 0-100, shaded by the bands in tiers.yaml. The bars carry numbers, not
    verdicts: the level comes from the criteria and the rule, and an area's words must never read
    as a level (an incomplete check is never "low")."""
    bands = content.tiers.domain_bands
    order = [d.id for d in content.tiers.domains if d.id in result.domains]
    order += [d for d in result.domains if d not in order]
    domains = [result.domains[d] for d in order]

    labels, values, colours, hover, annotations = [], [], [], [], []
    for row, d in enumerate(domains):
        answered = d.answered > 0
        label = f"{d.label}: {d.score} of 100" if answered else f"{d.label}: not answered"
        labels.append(d.label)
        values.append(d.score)
        colours.append(NEUTRAL if answered else UNANSWERED)
        hover.append(label)
        annotations.append(_bar_label(row, label))

    edges = [("low", 0, bands.some_at), ("some", bands.some_at, bands.high_at), ("high", bands.high_at, 100)]
    shapes = [_band(x0, x1, SHADE[name]) for name, x0, x1 in edges]

    figure = _figure(
        [_bars(labels, values, colours, hover, "domains")],
        labels,
        [0, DOMAIN_AXIS_END],
        shapes,
        annotations,
        tickvals=[0, bands.some_at, bands.high_at, 100],
    )

    _ = content.ui.gettext
    scored = [d for d in domains if d.answered > 0]
    missing = [d for d in domains if d.answered == 0]
    parts = [_("How far the answers in each area went toward the most concerning answer, out of 100 (shaded at "
               "{some} and {high}).").format(some=bands.some_at, high=bands.high_at)]
    if scored:
        parts.append("; ".join(f"{d.label} {d.score}" for d in scored) + ".")
    if missing and scored:
        parts.append(_("Not answered: {areas}.").format(areas=", ".join(d.label for d in missing)))
    elif missing:
        parts.append(_("No area has answers yet: {areas}.").format(areas=", ".join(d.label for d in missing)))
    return Chart("domains", _("Your answers by area"), figure, " ".join(parts))


# ---------------------------------------------------------------- the criteria the level rests on


# The DSM-5-based checklist's band ids, drawn as the short names above its bands.
BAND_NAMES = {"mild": N_("mild"), "moderate": N_("moderate"), "severe": N_("severe")}


def criteria_chart(result: Result, content: Content) -> Chart:
    """The DSM-5-based criteria met, on 0..10 with the mild / moderate / severe bands, and in the text
    every criterion: met, not met, not counted or not known yet (the same count as the level's)."""
    _ = content.ui.gettext
    crit = result.criteria
    bands = content.instruments["dsm5_k"].bands
    spans = [(b.label, max(0.0, b.min - 0.5), (bands[i + 1].min - 0.5) if i + 1 < len(bands) else crit.total)
             for i, b in enumerate(bands)]
    index = max(i for i, b in enumerate(bands) if b.min <= crit.met)
    shapes = [_band(x0, x1, BAND_SHADES[min(i, len(BAND_SHADES) - 1)]) for i, (_name, x0, x1) in enumerate(spans)]
    annotations = [_top_label((x0 + x1) / 2, _(BAND_NAMES.get(b.id, b.id)) if b.id != "none" else _("under {n}").format(n=bands[1].min))
                   for b, (_name, x0, x1) in zip(bands, spans, strict=True)]
    label = _("Criteria met")
    so_far = "" if crit.asked + len(crit.not_counted) >= crit.total else _(", so far")
    bar = _("{label}: {n} of {total} ({band}{so_far})").format(label=label, n=crit.met, total=crit.total, band=crit.band_label, so_far=so_far)
    annotations.append(_bar_label(0, bar))
    trace = _bars([label], [crit.met], [BAND_BARS[min(index, len(BAND_BARS) - 1)]], [bar], "criteria")
    figure = _figure([trace], [label], [0, crit.total], shapes, annotations, tickvals=_ticks(crit.total))

    groups = {MET: [], NOT_MET: [], NOT_COUNTED: [], UNKNOWN: []}
    for row in crit.rows:
        groups[row.state].append(row.name)
    parts = [_("{n} of the {total} DSM-5-based criteria met{so_far}: {meaning}.").format(n=crit.met, total=crit.total, so_far=so_far, meaning=crit.meaning)]
    words = {MET: _("Met"), NOT_MET: _("Not met"), NOT_COUNTED: _("Not counted (used only as prescribed)"),
             UNKNOWN: _("Not known yet")}
    parts += [f"{words[state]}: {'; '.join(names)}." for state, names in groups.items() if names]
    parts.append(_("Only a clinician can diagnose."))
    return Chart("criteria", _("Signs of a use problem (DSM-5-based criteria)"), figure, " ".join(parts))


# ---------------------------------------------------------------- instruments


def _cutoff_bands(inst: InstrumentScore, content: Content) -> list[tuple[str, str, int]]:
    """(short label, long label, minimum score) for each band of this instrument, in order."""
    _ = content.ui.gettext
    definition = content.instruments.get(inst.id)
    if inst.cutoff is not None and definition is not None and definition.risk_bands:
        return [(b.label, b.label, inst.cutoff if b.from_ == "cutoff" else b.from_) for b in definition.risk_bands]
    if inst.cutoff is not None:
        return [
            (_("under {n}").format(n=inst.cutoff), _("below the cut-off"), 0),
            (_("{n} or more").format(n=inst.cutoff), _("at or above the cut-off"), inst.cutoff),
        ]
    if inst.severity is not None and inst.id in content.instruments:
        return [(_(BAND_NAMES.get(b.id, b.id)), b.label, b.min) for b in content.instruments[inst.id].bands]
    return []


def instrument_bands(inst: InstrumentScore, content: Content) -> tuple[list[tuple[str, float, float]], int | None]:
    """(label, from, to) for each band of this instrument on its 0..max axis, and the index of the
    band the score is in (no bands, None). Shared by the charts and the printed summary.

    Scores are whole numbers: a band starting at n begins at n - 0.5 so a bar reaching n sits inside it."""
    bands = _cutoff_bands(inst, content)
    if not bands:
        return [], None
    spans = [(short, max(0.0, lo - 0.5), bands[i + 1][2] - 0.5 if i + 1 < len(bands) else inst.max)
             for i, (short, _, lo) in enumerate(bands)]
    return spans, max(i for i, (_, _, lo) in enumerate(bands) if lo <= inst.score)


def instrument_scale(inst: InstrumentScore, content: Content) -> Chart:
    """One questionnaire's score on its 0..max scale, with its cut-off bands (or, for a scale with no
    validated ketamine cut-off, the other-drug reference cut-offs as dashed lines)."""
    _ = content.ui.gettext
    spans, band_index = instrument_bands(inst, content)
    top = inst.max
    label = inst.short_name
    shapes: list[dict] = []
    annotations: list[dict] = []
    colour = NEUTRAL
    if band_index is not None:
        for i, (short, x0, x1) in enumerate(spans):
            shapes.append(_band(x0, x1, BAND_SHADES[min(i, len(BAND_SHADES) - 1)]))
            annotations.append(_top_label((x0 + x1) / 2, short))
        colour = BAND_BARS[min(band_index, len(BAND_BARS) - 1)]
    else:
        for i, ref in enumerate(inst.reference_cutoffs):
            at = ref["at"]
            shapes.append(_vline(at, dash="dash"))
            annotations.append(_top_label(at, _("other drugs: {n}").format(n=at), _anchor(at, 0, top), row=i % 2))

    so_far = "" if inst.complete else _(", {n} of {total} answered").format(n=inst.answered, total=inst.asked)
    bar_text = _("{label}: {n} of {total}").format(label=label, n=inst.score, total=top)
    if band_index is not None:
        bar_text += f" ({spans[band_index][0]})"
    annotations.append(_bar_label(0, bar_text + so_far))
    trace = _bars([label], [inst.score], [colour], [bar_text + so_far], inst.id)
    figure = _figure([trace], [label], [0, top], shapes, annotations, tickvals=_ticks(top))

    parts = [_("{name}: {n} out of {total} ({timeframe}).").format(name=inst.short_name, n=inst.score, total=top, timeframe=inst.timeframe)]
    if inst.band_label:
        parts.append(_("Band: {band}.").format(band=inst.band_label))
    if inst.cutoff is not None:
        if inst.positive:
            parts.append(_("That is at or above the cut-off of {cutoff}.").format(cutoff=inst.cutoff))
        elif inst.complete:
            parts.append(_("That is below the cut-off of {cutoff}.").format(cutoff=inst.cutoff))
        else:
            parts.append(_("That is below the cut-off of {cutoff} so far.").format(cutoff=inst.cutoff))
    elif inst.severity is not None:
        text = _("{n} criteria met: {band}. Only a clinician can diagnose.") if inst.complete \
            else _("{n} criteria met so far: {band}. Only a clinician can diagnose.")
        parts.append(text.format(n=inst.criteria_met, band=inst.severity_label))
    else:
        parts.append(_("There is no validated ketamine cut-off for this scale, so the score has no verdict."))
        if inst.reference_cutoffs:
            refs = "; ".join(_("{at} for {population}").format(at=r["at"], population=r["population"]) for r in inst.reference_cutoffs)
            parts.append(_("Dashed lines mark cut-offs used for other drugs: {refs}.").format(refs=refs))
    if not inst.complete:
        parts.append(_("{n} of {total} answered.").format(n=inst.answered, total=inst.asked))
    if inst.not_counted:
        n = len(inst.not_counted)
        parts.append(content.ui.ngettext("{n} question not counted because ketamine is used only as prescribed.",
                                         "{n} questions not counted because ketamine is used only as prescribed.", n).format(n=n))
    return Chart(f"instrument:{inst.id}", inst.name, figure, " ".join(parts))


def _ticks(top: int) -> list[int]:
    step = 1 if top <= 12 else 3 if top <= 15 else 5
    ticks = list(range(0, top + 1, step))
    return ticks if ticks[-1] == top else [*ticks, top]


# ---------------------------------------------------------------- all


def all_charts(result: Result, content: Content) -> list[Chart]:
    """The criteria the level rests on, the areas, then one chart per other questionnaire in the
    result (the checklist's count is the criteria chart)."""
    charts = [criteria_chart(result, content), domain_profile(result, content)]
    charts += [instrument_scale(inst, content) for inst in result.instruments.values() if inst.id != "dsm5_k"]
    return charts
