"""What of a content page goes on its printable sheet: the sections its ``handout:`` front matter names, with
each section's first picture, in that order (no Streamlit, no PDF here; handout_pdf lays them out)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from screening.outputs import content


@dataclass(frozen=True)
class Part:
    """One piece of a handout: a heading, its printable Markdown and the section's first picture (if any)."""

    heading: str
    text: str
    image: Path | None = None


def _image(page: content.Page, text: str) -> Path | None:
    for line in text.splitlines():
        m = content._IMG_RE.match(line)
        if m:
            return (page.path.parent / m.group(2)).resolve()
    return None


def _labelled(text: str, labels: tuple[str, ...]) -> list[str]:
    """The paragraphs that start with one of ``labels`` (e.g. '**How:**'), each with a list that follows it."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    out: list[str] = []
    for i, para in enumerate(paras):
        if para.startswith(labels):
            out.append(para)
            if i + 1 < len(paras) and paras[i + 1].lstrip().startswith(("- ", "1. ")):
                out.append(paras[i + 1])
    return out


def handout_parts(page: content.Page) -> list[Part]:
    """The handout's parts in the order the front matter lists them.

    ``@How, Dose`` gathers, section by section, the paragraphs that start with ``**How:**`` or ``**Dose:**``
    (a list right after such a paragraph comes along), skipping sections printed whole; images and widget
    markers are dropped from the text (paper cannot run a timer). An unknown heading is a ValueError."""
    found = {h: text for h, text in content._sections(page.body, 2) if h}
    out: list[Part] = []
    for item in page.handout:
        if item.startswith("@"):
            labels = tuple(f"**{label.strip()}:**" for label in item[1:].split(","))
            for heading, text in found.items():
                if heading in page.handout:  # that whole section is printed already
                    continue
                paras = _labelled(text, labels)
                if paras:
                    out.append(Part(heading, _printable("\n\n".join(paras)), _image(page, text)))
            continue
        if item not in found:
            raise ValueError(f"{page.slug}: handout section {item!r} is not a '## ' heading of the page")
        out.append(Part(item, _printable(found[item]), _image(page, found[item])))
    return out


def handout_sections(page: content.Page) -> list[tuple[str, str]]:
    """(heading, Markdown) of each handout part, in order (see handout_parts)."""
    return [(p.heading, p.text) for p in handout_parts(page)]


def _printable(text: str) -> str:
    keep = [ln for ln in text.splitlines() if not content._IMG_RE.match(ln) and not content._WIDGET_RE.match(ln)]
    return content.strip_links("\n".join(keep)).strip()
