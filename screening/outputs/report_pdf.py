"""One-page A4 PDF report of a Result, for an athlete to hand to a physiotherapist (fpdf2).

Every number and sentence comes from the Result; this module only lays them out. Text is drawn with
DejaVu Sans when it exists on the system, else with the core Helvetica font and sanitised to latin-1,
so no character in a Result can make the build fail. If the content does not fit one page the layout
is retried with smaller stills and fonts, then without stills, so the output is always one page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, cast

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from screening.outputs.formatting import exercise, primary_rating, recommendations, sources_used
from screening.core.result import TEST_LABELS, Result
from screening.core.vocab import BAND_COLOURS, BAND_WORD, format_date, format_rating, rgb, tint

TITLE = "KneeScreen movement screening report"
EXAMPLE_BANNER = "EXAMPLE \u2014 synthetic data"
NOT_A_DIAGNOSIS = "Not a diagnosis."

#: (regular, bold) TTF pairs tried in order; the first pair whose files both exist is used.
FONT_CANDIDATES: list[tuple[str, str]] = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
]

# Band -> (light fill, strong border/heading colour, word shown), from the one palette in core.vocab
BAND_STYLE = {band: (tint(colour, 0.16), rgb(colour), BAND_WORD[band]) for band, colour in BAND_COLOURS.items()}
INK = (25, 25, 25)
GREY = (95, 95, 95)
WHITE = (255, 255, 255)

_CORE_MAP = {
    "\u00b0": " deg", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2265": ">=", "\u2264": "<=", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u2192": "->", "\u2190": "<-", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "\u2248": "~", "\u00b1": "+/-", "\u2605": "*",
}
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAREN = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class _Scale:
    """Sizes of one layout attempt (fonts in pt, lengths in mm)."""
    body: float = 8.5
    small: float = 7.0
    tiny: float = 6.0
    still_h: float = 55.0
    stills: bool = True
    max_notes: int | None = 8      # capture notes listed (the rest are counted)


ATTEMPTS = (_Scale(10.0, 8.0, 6.5, 62.0), _Scale(9.2, 7.5, 6.2, 58.0), _Scale(), _Scale(8.0, 6.8, 5.8, 45.0),
            _Scale(7.5, 6.5, 5.5, 36.0),
            _Scale(7.5, 6.5, 5.5, 0.0, False), _Scale(7.0, 6.0, 5.0, 0.0, False),
            _Scale(8.0, 6.8, 5.8, 36.0, True, 6), _Scale(7.0, 6.0, 5.0, 0.0, False, 4),
            _Scale(7.0, 6.0, 5.0, 0.0, False, 2))


GROW_ROOM_MM = 20.0  # try the next larger type size only when at least this much of the page is free


class _Report(FPDF):
    """FPDF with a font choice and a text sanitiser that matches it."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.family = "Helvetica"
        self.unicode = False
        for regular, bold in FONT_CANDIDATES:
            if Path(regular).is_file() and Path(bold).is_file():
                try:
                    self.add_font("DejaVu", "", regular)
                    self.add_font("DejaVu", "B", bold)
                except Exception:  # a broken font file: stay on the core font
                    continue
                self.family, self.unicode = "DejaVu", True
                break

    def t(self, text: object) -> str:
        """Text safe for the current font."""
        s = _CTRL.sub(" ", "" if text is None else str(text))
        if self.unicode:
            return s
        for a, b in _CORE_MAP.items():
            s = s.replace(a, b)
        return s.encode("latin-1", "replace").decode("latin-1")

    def normalize_text(self, text: str) -> str:  # every string fpdf2 draws passes through here
        return super().normalize_text(self.t(text))

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def para(self, text: str, size: float, bold: bool = False, color=INK, h: float | None = None,
             w: float = 0, align: str = "L") -> None:
        self.font(size, bold, color)
        self.multi_cell(w, h or size * 0.45, self.t(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, sc: _Scale) -> None:
        self.ln(1.6)
        self.font(sc.body + 1.5, True)
        self.cell(0, (sc.body + 1.5) * 0.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180, 180, 180)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 0.3, self.w - self.r_margin, self.get_y() + 0.3)
        self.ln(1.2)


# ----- formatting (display only: no thresholds, nothing computed) ------------------------------
def _md(text: str) -> str:
    """Neutralise fpdf2 markdown markers (**, __, --, ~~) inside plain text."""
    return re.sub(r"([*_~-])\1", "\\1 \\1", text)


def band_word(band: str | None) -> str:
    return BAND_STYLE.get(band, BAND_STYLE[None])[2]


def shorten(text: str, limit: int = 170) -> str:
    """Fit a norm sentence in `limit` characters: drop the longest brackets first, then cut at a word."""
    s = " ".join((text or "").split())
    while len(s) > limit:
        parens = sorted(_PAREN.findall(s), key=len, reverse=True)
        if not parens:
            break
        s = s.replace(parens[0], "", 1)
    s = re.sub(r"\s+([;,.])", r"\1", s)
    if len(s) > limit:
        s = s[:limit - 1].rsplit(" ", 1)[0].rstrip(";,:") + "\u2026"
    return s


# ----- sections -------------------------------------------------------------------------------
def _header(pdf: _Report, result: Result, sc: _Scale) -> None:
    pdf.font(17, True)
    pdf.cell(0, 8, pdf.t(TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    test = TEST_LABELS.get(result.test, result.test)
    if result.leg:
        test += f" (stance leg: {result.leg})"
    line1 = [f"Test: {test}", f"Date: {format_date(result.created)}"]
    if result.sport:
        line1.append(f"Sport: {result.sport}")
    line1.append(f"Sex: {result.sex or 'not given'}")
    pdf.para("    ".join(line1), sc.body + 0.5, True)
    model = f"Model: {result.model.tier}"
    if result.model.note:
        model += f" ({result.model.note})"
    norms = f"Norms used: {result.norms_used or 'none'}"
    v = result.video
    video = f"Video: {v.file_name}, {v.duration_s:.1f} s at {v.fps:.0f} fps"
    pdf.para(f"{model}.   {norms}.   {video}.", sc.small, color=GREY)
    if result.example:
        pdf.ln(1.2)
        pdf.set_fill_color(*BAND_STYLE["watch"][1])
        pdf.font(sc.body + 2, True, (255, 255, 255))
        pdf.cell(0, 7, pdf.t(f"{EXAMPLE_BANNER}: no real person was filmed"), fill=True, align="C",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _verdicts(pdf: _Report, result: Result, sc: _Scale) -> None:
    legs = list(result.legs.values())
    if not legs:
        fill, edge, _ = BAND_STYLE[None]
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(*edge)
        pdf.font(sc.body + 1, True)
        pdf.multi_cell(0, (sc.body + 1) * 0.45, pdf.t("No leg could be rated from this video: see the capture "
                       "notes below."), border=1, fill=True, padding=2, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        return
    gap, pad = 4.0, 2.5
    width = (pdf.epw - gap * (len(legs) - 1)) / len(legs)
    inner = width - 2 * pad
    blocks = []
    for leg in legs:
        p = primary_rating(leg)
        key = (f"Key measure: {p.label} {format_rating(p)} (reliability {p.reliability})" if p else "")
        blocks.append([
            (f"{leg.leg.upper()} LEG \u2014 {band_word(leg.band)}", sc.body + 3, True,
             BAND_STYLE.get(leg.band, BAND_STYLE[None])[1]),
            (leg.headline, sc.body + 1, True, INK),
            (key, sc.body, False, INK),
            (leg.what_it_means, sc.body, False, INK),
        ])

    def height(block) -> float:
        total = 0.0
        for text, size, bold, _ in block:
            if text:
                pdf.font(size, bold)
                # fpdf2 types one return for every output= choice; HEIGHT gives the height, a float
                total += cast(float, pdf.multi_cell(inner, size * 0.45, pdf.t(text), dry_run=True,
                                                    output=MethodReturnValue.HEIGHT)) + 1.0
        return total

    box_h = max(height(b) for b in blocks) + 2 * pad - 1.0
    top = pdf.get_y()
    if top + box_h > pdf.h - pdf.b_margin:
        pdf.add_page()  # cannot fit: let the caller retry smaller
        top = pdf.get_y()
    for i, (leg, block) in enumerate(zip(legs, blocks)):
        x = pdf.l_margin + i * (width + gap)
        fill, edge, _ = BAND_STYLE.get(leg.band, BAND_STYLE[None])
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(*edge)
        pdf.set_line_width(0.6)
        pdf.rect(x, top, width, box_h, style="DF")
        pdf.set_fill_color(*edge)
        pdf.rect(x, top, 1.6, box_h, style="F")
        y = top + pad
        for text, size, bold, color in block:
            if not text:
                continue
            pdf.set_xy(x + pad + 0.6, y)
            pdf.font(size, bold, color)
            pdf.multi_cell(inner - 0.6, size * 0.45, pdf.t(text), align="L")
            y = pdf.get_y() + 1.0
    pdf.set_line_width(0.2)
    pdf.set_xy(pdf.l_margin, top + box_h + 2)


def _image_size(path: Path) -> tuple[int, int] | None:
    try:
        from PIL import Image
        with Image.open(path) as im:
            return im.size
    except Exception:
        return None


def _stills(pdf: _Report, keyframes: Sequence[tuple[str, str | Path]], sc: _Scale) -> None:
    items = []
    for label, path in list(keyframes or [])[:3]:
        size = _image_size(Path(path)) if path else None
        if size and size[0] > 0 and size[1] > 0:
            items.append((label, Path(path), size))
    if not sc.stills or not items:
        return
    pdf.heading("Key moments", sc)
    gap = 4.0
    cell_w = min((pdf.epw - gap * (len(items) - 1)) / len(items), 95.0)
    dims = []
    for _, _, (pw, ph) in items:
        k = min(cell_w / pw, sc.still_h / ph)
        dims.append((pw * k, ph * k))
    row_h = max(h for _, h in dims)
    total_w = len(items) * cell_w + gap * (len(items) - 1)
    x0 = pdf.l_margin + (pdf.epw - total_w) / 2
    top = pdf.get_y()
    label_h = sc.small * 0.45
    if top + row_h + label_h + 2 > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y()
    for i, ((label, path, _), (w, h)) in enumerate(zip(items, dims)):
        cx = x0 + i * (cell_w + gap)
        x, y = cx + (cell_w - w) / 2, top + (row_h - h)
        pdf.image(str(path), x=x, y=y, w=w, h=h)
        pdf.set_draw_color(160, 160, 160)
        pdf.rect(x, y, w, h)
        pdf.set_xy(cx, top + row_h + 0.8)
        pdf.font(sc.small, True, GREY)
        pdf.cell(cell_w, label_h, pdf.t(label), align="C")
    pdf.set_xy(pdf.l_margin, top + row_h + label_h + 1.5)


def _table(pdf: _Report, result: Result, sc: _Scale) -> None:
    legs = list(result.legs.values())
    if not legs:
        return
    pdf.heading("All measures", sc)
    keys: list[str] = []
    for leg in legs:
        keys += [r.key for r in leg.ratings if r.key not in keys]
    leg_w = 31.0 if len(legs) > 1 else 40.0
    measure_w = 40.0
    norm_w = pdf.epw - measure_w - leg_w * len(legs)
    head = FontFace(emphasis="BOLD", size_pt=sc.small, fill_color=(225, 225, 225))
    plain = FontFace(size_pt=sc.small, fill_color=WHITE)
    pdf.font(sc.small)
    pdf.set_draw_color(170, 170, 170)
    with pdf.table(col_widths=[measure_w] + [leg_w] * len(legs) + [norm_w], width=pdf.epw,
                   line_height=sc.small * 0.43, padding=(0.8, 1.2), text_align="LEFT", v_align="MIDDLE",
                   borders_layout="HORIZONTAL_LINES", headings_style=head) as table:
        row = table.row()
        row.cell(pdf.t("Measure"))
        for leg in legs:
            row.cell(pdf.t(f"{leg.leg.capitalize()} leg"))
        row.cell(pdf.t("Norm (what is typical)"))
        for key in keys:
            rs = [leg.rating(key) for leg in legs]
            first = next(r for r in rs if r is not None)
            row = table.row()
            row.cell(pdf.t(first.label + (" (experimental)" if first.experimental else "")), style=plain)
            for r in rs:
                if r is None:
                    row.cell("-", style=plain)
                    continue
                band = "not rated" if r.band is None else r.band
                style = FontFace(emphasis="BOLD" if r.primary else None, size_pt=sc.small,
                                 fill_color=BAND_STYLE.get(r.band, BAND_STYLE[None])[0])
                row.cell(pdf.t(f"{format_rating(r)}  {band}\nreliability {r.reliability}"), style=style)
            row.cell(pdf.t(shorten(first.norm)), style=FontFace(size_pt=sc.tiny + 0.8, fill_color=WHITE))
    pdf.font(sc.tiny, color=GREY)
    pdf.cell(0, sc.tiny * 0.5, pdf.t("Bold: the measure each leg's verdict leads with. Values are medians over "
                                     "the repetitions; full norms and reasons are in the app."),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _notes(pdf: _Report, result: Result, sc: _Scale) -> None:
    pdf.heading("Capture quality", sc)
    warn = result.warnings
    info = [n for n in result.notes if n.level not in ("warning", "error") and n.code != "example"]
    if not warn:
        pdf.para("No capture problems were flagged for this video.", sc.body)
    shown = (warn + info)[:sc.max_notes] if sc.max_notes is not None else warn + info
    for n in shown:
        if n.level in ("warning", "error"):
            fix = f" Fix: {n.fix}" if n.fix else ""
            pdf.para(f"\u2022 {n.level.upper()}: {n.message}{fix}", sc.body)
        else:
            pdf.para(f"\u2022 {n.message}", sc.body, color=GREY)
    if len(shown) < len(warn + info):
        pdf.para(f"\u2022 {len(warn + info) - len(shown)} more notes: see the app.", sc.body, True)


def _exercises(pdf: _Report, result: Result, sc: _Scale) -> None:
    recs = recommendations(result)
    if not recs:
        return
    pdf.heading("Recommended exercises (in the KneeScreen app, Exercises)", sc)
    for slug, sides in recs:
        title, why = exercise(slug)
        who = " and ".join(sides)
        text = f"({who} leg): {why}" if why else f"({who} leg)"
        pdf.font(sc.body)
        pdf.multi_cell(0, sc.body * 0.45, pdf.t("\u2022 ") + f"**{_md(pdf.t(title))}** {_md(pdf.t(text))}",
                       markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _sources(pdf: _Report, result: Result, sc: _Scale) -> None:
    src = sources_used(result)
    if not src:
        return
    pdf.heading("Sources", sc)
    for i, s in enumerate(src, 1):
        pdf.para(f"{i}. {s}", sc.tiny, color=GREY, h=sc.tiny * 0.42)


def _disclaimer(pdf: _Report, result: Result, sc: _Scale) -> None:
    pdf.ln(2.5)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_fill_color(245, 245, 245)
    pdf.set_line_width(0.3)
    text = f"**{_md(pdf.t(NOT_A_DIAGNOSIS))}** {_md(pdf.t(result.disclaimer))}"
    pdf.font(sc.body)
    pdf.multi_cell(0, sc.body * 0.45, text, border=1, fill=True, padding=Padding.new(1.5), align="L", markdown=True,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _render(result: Result, keyframes, sc: _Scale) -> _Report:
    pdf = _Report()
    pdf.set_title(pdf.t(f"{TITLE} - {TEST_LABELS.get(result.test, result.test)}"))
    pdf.set_author("KneeScreen")
    pdf.set_margins(12, 11, 12)
    pdf.set_auto_page_break(True, margin=10)
    pdf.add_page()
    _header(pdf, result, sc)
    _verdicts(pdf, result, sc)
    _stills(pdf, keyframes, sc)
    _table(pdf, result, sc)
    _notes(pdf, result, sc)
    _exercises(pdf, result, sc)
    _sources(pdf, result, sc)
    _disclaimer(pdf, result, sc)
    return pdf


def _room(pdf: _Report) -> float:
    """Free height (mm) left at the bottom of the page, or -1 if the content ran onto a second page."""
    return pdf.h - pdf.b_margin - pdf.get_y() if pdf.pages_count == 1 else -1.0


def pdf_bytes(result: Result, keyframes: Sequence[tuple[str, str | Path]] = ()) -> bytes:
    """The one-page report as PDF bytes. `keyframes`: up to 3 (label, png_path) stills are shown."""
    # Start from the default layout (each render costs about a second with a TTF font), grow the
    # type while there is clear room, else shrink step by step until the page fits.
    start = ATTEMPTS.index(_Scale())
    pdf = _render(result, keyframes, ATTEMPTS[start])
    if _room(pdf) >= 0:
        for sc in reversed(ATTEMPTS[:start]):
            if _room(pdf) < GROW_ROOM_MM:
                break
            bigger = _render(result, keyframes, sc)
            if _room(bigger) < 0:
                break
            pdf = bigger
    else:
        for sc in ATTEMPTS[start + 1:]:
            pdf = _render(result, keyframes, sc)
            if _room(pdf) >= 0:
                break
        else:  # still too long: keep page 1 only rather than hand over two pages
            while pdf.pages_count > 1:
                pdf.pages.pop(pdf.pages_count)
                pdf.page = pdf.pages_count
    return bytes(pdf.output())


def build_pdf(result: Result, keyframes: Sequence[tuple[str, str | Path]], out_path: str | Path) -> Path:
    """Write the one-page report to `out_path` (parent folders are created) and return the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf_bytes(result, keyframes))
    return out
