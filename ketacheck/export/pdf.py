"""The summary as an A4 PDF (fpdf2): core Helvetica for Latin-script languages; for Chinese, a subset of
Noto Sans CJK (Debian's fonts-noto-cjk, which the Makefile installs) is embedded, so the characters are
drawn and can be copied back out of the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..content import Content
from ..model import Resource
from ..scoring import Result
from ..submission import Submission
from ..wording import not_a_diagnosis, resource_facts
from .summary import Bar, InstrumentRow, build, contact_parts

_LATIN1 = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00b7": "-",
        "\u2192": "->",
        "\u2190": "<-",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2260": "!=",
        "\u2248": "~",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def _latin1(text: Any) -> str:
    """Text the PDF core fonts can draw: common typography to ASCII, anything else to '?'."""
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


# Debian's fonts-noto-cjk: one collection per weight; the face for each script (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
CJK_FACES = {"zh-Hans": 2, "zh-Hant": 3}


class MissingFontError(RuntimeError):
    """A Chinese printout was asked for on a machine without the CJK font."""


def _fonts(doc: Any, language: str) -> tuple[str, Any]:
    """(font family, text cleaner) for a language: Helvetica and latin-1 text, or the embedded CJK face."""
    face = CJK_FACES.get(language)
    if face is None:
        return "Helvetica", _latin1
    regular, bold = CJK_DIR / "NotoSansCJK-Regular.ttc", CJK_DIR / "NotoSansCJK-Bold.ttc"
    if not all(f.is_file() for f in (regular, bold)):
        raise MissingFontError(f"the {language} printout needs Debian's fonts-noto-cjk ({regular} is missing); "
                               "run `make test` as root or `apt-get install fonts-noto-cjk`")
    # One face for every character, Latin ones too (Noto Sans CJK has them). With DejaVu for Latin
    # text and the CJK face as fpdf2's fallback, a long printout drew some Latin runs with another
    # font's glyph codes ("GHB" came out as "7KS"), on the page and in copied text alike.
    doc.add_font("cjk", "", str(regular), collection_font_number=face)
    doc.add_font("cjk", "B", str(bold), collection_font_number=face)
    return "cjk", str


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


class _PdfWriter:
    """Small drawing helpers over fpdf2. `keep` draws a block on one page: it renders it off the page
    first and starts a new page when the block would be split."""

    INK = (31, 31, 31)
    GREY = "#444444"

    def __init__(self, pdf: Any, content: Any, family: str = "Helvetica", clean: Any = None, leading: float = 1.0):
        self.content = content
        self.leading = leading  # line height relative to the usual
        self.family, self.clean = family, clean or _latin1
        self.pdf = pdf  # the document, or the off-page copy while `keep` measures a block
        self.doc = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(
        self,
        body: str,
        size: float = 8.5,
        style: str = "",
        h: float | None = None,
        colour: str | None = None,
        indent: float = 0,
    ) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, style=style, size=size)
        pdf.set_text_color(*(_rgb(colour) if colour else self.INK))
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, (h or size * 0.45) * self.leading, self.clean(body), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*self.INK)

    def bullet(self, body: str, size: float = 8.5, indent: float = 2.5) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, size=size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(3, size * 0.45 * self.leading, "-")
        pdf.multi_cell(0, size * 0.45 * self.leading, self.clean(body), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, body: str) -> None:
        self.pdf.ln(1.2)
        self.text(body, 10.5, "B", h=5)
        self.pdf.set_draw_color(180, 180, 180)
        self.pdf.line(self.pdf.l_margin, self.pdf.get_y(), self.pdf.l_margin + self.width, self.pdf.get_y())
        self.pdf.ln(0.8)

    def keep(self, draw: Any, frame: str | None = None, thick: float = 0.3) -> None:
        doc = self.doc
        with doc.offset_rendering() as dummy:
            self.pdf = dummy
            draw()
        self.pdf = doc
        if dummy.page_break_triggered:
            doc.add_page()
        start_page, start_y = doc.page, doc.get_y()
        draw()
        if frame and doc.page == start_page:
            doc.set_draw_color(*_rgb(frame))
            doc.set_line_width(thick)
            doc.rect(doc.l_margin - 2, start_y - 1, self.width + 4, doc.get_y() - start_y + 2)
            doc.set_line_width(0.2)
            doc.ln(2)

    def resource(self, res: Resource, details: bool = True) -> None:
        contacts = "  |  ".join(t for t, _link in contact_parts(res, self.content.ui))
        self.text(f"{res.name}: {contacts}", 8.5, "B", h=4)
        if details:
            self.text(resource_facts(self.content, res, against=False), 7.5, h=3.4, colour=self.GREY)

    def bars(self, rows: list[Bar]) -> None:
        pdf = self.pdf
        label_w, row_h = 62.0, 4.6
        bar_w = self.width - label_w - 2
        for bar in rows:
            y = pdf.get_y()
            label = self.clean(bar.short or bar.caption)
            size = 7.5
            pdf.set_font(self.family, size=size)
            while size > 5.5 and pdf.get_string_width(label) > label_w:
                size -= 0.5
                pdf.set_font(self.family, size=size)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w, row_h, label)
            x0 = pdf.l_margin + label_w + 2
            top = bar.top or 1

            def x(v: float, x0: float = x0, top: float = top) -> float:
                return x0 + bar_w * max(0.0, min(v, top)) / top

            pdf.set_fill_color(244, 244, 244)
            pdf.rect(x0, y + 0.6, bar_w, row_h - 1.2, style="F")
            for _, lo, hi, colour in bar.bands:
                pdf.set_fill_color(*_rgb(colour))
                pdf.rect(x(lo), y + 0.6, x(hi) - x(lo), row_h - 1.2, style="F")
            pdf.set_draw_color(*self.INK)
            if bar.value > 0:
                pdf.set_fill_color(*_rgb(bar.colour))
                pdf.rect(x0, y + 1.3, x(bar.value) - x0, row_h - 2.6, style="DF")
            for line in bar.lines:
                pdf.set_dash_pattern(dash=0.8, gap=0.6)
                pdf.line(x(line), y + 0.4, x(line), y + row_h - 0.4)
                pdf.set_dash_pattern()
            pdf.set_xy(pdf.l_margin, y + row_h)


# How tightly lines sit, tried in turn until the printout fits two pages: Spanish runs about a
# quarter longer than English, and a few lines over made a third page. The type size never shrinks.
LEADINGS = (1.0, 0.95, 0.9)
PAGES = 2


def summary_pdf(sub: Submission, result: Result, content: Content, today: dt.date) -> bytes:
    """The summary as an A4 PDF: the same sections as the HTML, in the core Helvetica font (nothing
    embedded or fetched; text made latin-1 safe), or a subset of Noto CJK for Chinese. A typical
    full check fits on two pages."""
    s = build(sub, result, content, today)
    first = None
    for leading in LEADINGS:
        doc = _document(s, content, leading)
        if doc.pages_count <= PAGES:
            return bytes(doc.output())
        first = first or doc
    return bytes(first.output())  # too long for two at any spacing: the most readable spacing


def _document(s: Any, content: Content, leading: float) -> Any:
    from fpdf import FPDF  # imported here so the rest of the engine does not need fpdf2

    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.set_margins(15, 14, 15)
    doc.set_auto_page_break(True, margin=14)
    _ = content.ui.gettext
    family, clean = _fonts(doc, content.language)
    doc.set_title(clean(f"{_('KetaCheck summary')}, {s.today.isoformat()}"))
    doc.set_creator("KetaCheck")
    # A date without a time of day, as in the JSON export.
    doc.set_creation_date(dt.datetime(s.today.year, s.today.month, s.today.day, tzinfo=dt.UTC))
    doc.add_page()
    out = _PdfWriter(doc, content, family, clean, leading)
    grey = out.GREY

    def header() -> None:
        out.text(_("KetaCheck summary"), 14, "B", h=6)
        out.text(f"{s.today.isoformat()}  |  {s.who}  |  {s.region}  |  {s.context}", 8, colour=grey)
        out.text(not_a_diagnosis(content), 8.5, "B")
        out.text(s.now, 8.5, "B", colour="#B0301F")
        out.pdf.ln(1.5)

    def alarm() -> None:
        out.text(_("Get help now"), 10.5, "B", h=5)
        for name, message in s.red_flags:
            out.bullet(f"{name}: {message}", indent=0)
        for heading, steps in s.first_aid:
            out.text(heading, 8.5, "B", h=3.9)
            for step in steps:
                out.bullet(step, 8, indent=0)

    def crisis() -> None:
        out.text(_("If you need help now"), 10.5, "B", h=5)
        out.text(s.crisis_intro, 7.5, colour=grey)
        for res in s.crisis:
            out.resource(res)

    def tier() -> None:
        out.text(s.tier_label, 12, "B", h=5.5)
        out.text(f"{s.tier_summary} {s.tier_explanation}", 8.5, h=3.9)
        out.text(s.coverage, 7.5, colour=grey)
        if s.missing:
            out.text(_('Not answered yet (never counted as "no"):'), 8.5, "B", h=3.9)
            for question in s.missing:
                out.bullet(question, 7.5)

    def feedback() -> None:
        out.heading(_("About your answers"))
        for row in s.feedback:
            refs = ", ".join(f"[{n}]" for n in row.refs)
            out.text(f"{row.text}  {refs}", 7.5, "B" if row.important else "", h=3.3)
        out.pdf.ln(0.8)
        out.text(s.responsibility, 8.5, h=3.9)
        if s.plan:
            out.text(s.plan_title, 9.5, "B", h=4.5)
            for n, step in enumerate(s.plan, start=1):
                out.text(_("{n}. {label}. {detail}").format(n=n, label=step.label, detail=step.detail), 8.5, h=3.9)
        out.text(s.self_efficacy, 8.5, h=3.9)

    def why() -> None:
        out.heading(_("Why am I seeing this?"))
        for reason in s.reasons:
            out.bullet(reason, 7.5)
        out.text(s.rule, 6.5, h=2.9, colour=grey)

    def signs() -> None:
        # One running paragraph: the feedback above says what to do about each sign, and every
        # answer is in the files; here each sign, its strength, the answers and their sources.
        if not s.signs:
            out.text(_("None of the warning signs we ask about showed in the answers."))
            return
        # TRANSLATORS: one warning sign in the printout's running paragraph: its name, its strength,
        # the answers that showed it (joined by "; "), its sources as [1], [2].
        sign = _("{name} ({detail}): {answers} {refs}.")
        out.text("  ".join(sign.format(name=row.name, detail=row.detail, answers=_("; ").join(a for _, a in row.triggers),
                                       refs=", ".join(f"[{n}]" for n in row.refs)) for row in s.signs), 7, h=3.1)

    def instrument(row: InstrumentRow) -> Any:
        def draw() -> None:
            out.text(f"{row.name}: {row.verdict}", 8.5, "B", h=4)
            out.text(_("{status}. {statement}").format(status=row.status, statement=row.statement) + " " + " ".join(row.notes),
                     6.5, h=2.9, colour=grey)

        return draw

    def charts() -> None:
        out.heading(_("The answers in pictures"))
        out.bars([s.criteria_bar, *s.instrument_bars])
        out.text(_("Each on its own scale; shading marks its bands or cut-off."), 7, colour=grey)
        out.pdf.ln(1)

    def referral() -> None:
        out.text(s.help_heading, 10.5, "B", h=5)
        out.text(s.help_intro, 7.5, colour=grey)
        for res in s.referral:
            out.resource(res, details=False)

    def sources() -> None:
        out.heading(_("Sources"))
        # One running paragraph: a line per source left most of each line empty.
        out.text("  ".join(f"[{n}] {title} ({publisher})." for n, title, publisher in s.sources), 6, h=2.6, colour=grey)
        out.pdf.ln(1)
        out.text(s.privacy, 7, colour=grey)

    header()
    if s.red_flags:  # safety first: emergency help before anything else
        out.keep(alarm, frame="#B0301F", thick=0.8)
        out.keep(crisis, frame="#B0301F", thick=0.8)
    out.keep(tier, frame="#B0301F" if s.tier == "urgent" else "#1F1F1F", thick=0.5)
    feedback()  # these two flow onto the next page line by line: kept whole, they left half pages empty
    why()

    def titled(title: str, first: Any) -> Any:
        """A heading drawn with the block after it, so it never ends a page on its own."""

        def draw() -> None:
            out.heading(title)
            first()

        return draw

    out.keep(titled(_("Warning signs in the answers"), signs))
    if s.instruments:
        blocks = [instrument(row) for row in s.instruments]
        out.keep(titled(_("Standard questionnaires"), blocks[0]))
        for block in blocks[1:]:
            out.keep(block)
    out.keep(charts)
    if not s.red_flags:
        out.keep(crisis, frame="#B0301F", thick=0.8)
    if s.referral:
        out.keep(referral, frame="#4C78A8", thick=0.3)
    sources() if s.sources else out.text(s.privacy, 7, colour=grey)  # may run onto the next page
    return doc
