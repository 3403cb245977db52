"""What the PDF report and the handouts share: the FPDF document (fonts, text sanitiser), band pills, helpers.

Text is drawn with DejaVu Sans when it exists on the system, else with the core Helvetica font and sanitised
to latin-1, so no character in a Result can make the build fail. Several one-page layouts can be added to one
document (the group PDF, the take-home sheets): each page starts from the same drawing state.
"""
from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from screening.core.vocab import BAND_COLOURS, BAND_WORD, rgb, tint

#: (regular, bold) TTF pairs tried in order; the first pair whose files both exist is used.
FONT_CANDIDATES: list[tuple[str, str]] = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
]

NOT_A_DIAGNOSIS = "Not a diagnosis."

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


class ReportPDF(FPDF):
    """FPDF (A4 portrait, mm) with a font choice and a text sanitiser that matches it."""

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

    def start_page(self, left: float, top: float, right: float, bottom: float) -> int:
        """Add a page with these margins (mm), drawn from a new document's state (line width, colours), so a
        layout comes out the same as the first page of a document or after any other page. Its number."""
        self.set_line_width(0.567 / self.k)
        self.set_draw_color(0)
        self.set_fill_color(0)
        self.set_text_color(0)
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, margin=bottom)
        self.add_page()
        return self.page

    def keep_pages(self, count: int) -> None:
        """Drop the pages after page `count` (a layout that ran over: keep its first page, not two)."""
        while self.pages_count > count:
            self.pages.pop(self.pages_count)
            self.page = self.pages_count

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def para(self, text: str, size: float, bold: bool = False, color=INK, h: float | None = None,
             w: float = 0, align: str = "L") -> None:
        self.font(size, bold, color)
        self.multi_cell(w, h or size * 0.45, self.t(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float) -> None:
        """A bold heading one and a half points over the body `size`, ruled underneath."""
        self.ln(1.6)
        self.font(size + 1.5, True)
        self.cell(0, (size + 1.5) * 0.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180, 180, 180)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 0.3, self.w - self.r_margin, self.get_y() + 0.3)
        self.ln(1.2)


def document(title: str) -> ReportPDF:
    """An empty document with this title (sanitised for its font) and KneeScreen as author."""
    pdf = ReportPDF()
    pdf.set_title(pdf.t(title))
    pdf.set_author("KneeScreen")
    return pdf


def md_escape(text: str) -> str:
    """Neutralise fpdf2 markdown markers (**, __, --, ~~) inside plain text."""
    return re.sub(r"([*_~-])\1", "\\1 \\1", text)


def band_word(band: str | None) -> str:
    return BAND_STYLE.get(band, BAND_STYLE[None])[2]


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a picture, or None when it cannot be read."""
    try:
        with Image.open(path) as im:
            return im.size
    except Exception:
        return None
