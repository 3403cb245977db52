"""Load the Learn and Exercises Markdown pages in content/ for the app (no Streamlit here).

Each page is ``content/pages/<slug>.md`` with a small ``key: value`` front-matter block
(title, section, order, icon, summary) between ``---`` lines, then a Markdown body that
ends with a ``## Sources`` section. Images are written ``![alt](../img/NAME.svg "caption")``
on a line of their own; links to other pages are ``[text](other-slug.md)``; interactive
widgets are marked with an HTML comment line ``<!-- widget: NAME key=value ... -->``.
An optional ``handout:`` key lists, separated by ``|``, the ``## `` sections of the printable
handout (see outputs.handouts); ``handout_title:`` names that sheet when it is not the page title.
A ``## Evidence for coaches`` section (just before Sources) holds the statistics: collapsed in the app, a
separate box on paper. A timer marker with ``from=SLUG`` takes that page's timer and overrides its keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
PAGES_DIR = CONTENT_DIR / "pages"
IMG_DIR = CONTENT_DIR / "img"

SECTIONS = ("learn", "exercises")
EVIDENCE = "Evidence for coaches"  # the ## heading of the statistics part of a page
REQUIRED_KEYS = ("title", "section", "order", "icon", "summary")

#: Sport keys the app offers, with their labels (order = order shown in a picker).
SPORTS: dict[str, str] = {
    "gymnastics": "Gymnastics",
    "weightlifting": "Weightlifting",
    "climbing": "Climbing and bouldering",
    "acrobatics": "Partner acrobatics",
    "table-tennis": "Table tennis",
    "court-field": "Court and field sports",
    "other": "Other sports",
}
#: The ``### `` heading in ``your-sport.md`` that belongs to each sport key.
SPORT_HEADINGS: dict[str, str] = dict(SPORTS)

_LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\(([a-z0-9][a-z0-9-]*)\.md(#[^)\s]*)?\)")
_IMG_RE = re.compile(r'^\s*!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)\s*$')
_WIDGET_RE = re.compile(r"^\s*<!--\s*widget:\s*([a-z0-9-]+)(.*?)-->\s*$")
_HEADING_RE = re.compile(r"^(#{2,3})\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Page:
    """One content page: its front matter, Markdown body and file path."""

    slug: str
    title: str
    section: str
    order: int
    icon: str
    summary: str
    body: str
    path: Path
    handout: tuple[str, ...] = ()
    handout_title: str = ""


@dataclass(frozen=True)
class Block:
    """A piece of a page body, rendered in order.

    kind is "text" (Markdown in ``text``), "image" (``path`` to a local file, ``alt`` and
    an optional ``caption``) or "widget" (``name``, ``params`` from the marker, and in
    ``text`` the Markdown list that follows the marker, e.g. the items of a checklist).
    """

    kind: str
    text: str = ""
    path: Path | None = None
    alt: str = ""
    caption: str = ""
    name: str = ""
    params: dict[str, str] = field(default_factory=dict)


def _parse(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path.name}: the file must start with a '---' front-matter block")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ValueError(f"{path.name}: front matter is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{path.name}: front-matter line {line!r} is not 'key: value'")
        meta[key.strip()] = value.strip().strip('"').strip("'")
    missing = [k for k in REQUIRED_KEYS if not meta.get(k)]
    if missing:
        raise ValueError(f"{path.name}: front matter is missing {', '.join(missing)}")
    if meta["section"] not in SECTIONS:
        raise ValueError(f"{path.name}: section must be one of {SECTIONS}, not {meta['section']!r}")
    return Page(
        slug=path.stem,
        title=meta["title"],
        section=meta["section"],
        order=int(meta["order"]),
        icon=meta["icon"],
        summary=meta["summary"],
        body="\n".join(lines[end + 1 :]).strip() + "\n",
        path=path,
        handout=tuple(h.strip() for h in meta.get("handout", "").split("|") if h.strip()),
        handout_title=meta.get("handout_title", ""),
    )


def list_pages(section: str | None = None) -> list[Page]:
    """All pages (or those of one section), sorted by section then ``order``."""
    if section is not None and section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}; expected one of {SECTIONS}")
    pages = [_parse(p) for p in sorted(PAGES_DIR.glob("*.md"))]
    if section is not None:
        pages = [p for p in pages if p.section == section]
    return sorted(pages, key=lambda p: (SECTIONS.index(p.section), p.order, p.slug))


def get_page(slug: str) -> Page:
    """The page with this slug; KeyError naming the known slugs if there is none."""
    path = PAGES_DIR / f"{slug}.md"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug or "") or not path.is_file():
        known = ", ".join(p.stem for p in sorted(PAGES_DIR.glob("*.md")))
        raise KeyError(f"no content page {slug!r} in {PAGES_DIR} (known: {known})")
    return _parse(path)


def _params(raw: str) -> dict[str, str]:
    return dict(tok.split("=", 1) for tok in raw.split() if "=" in tok)


def page_blocks(page: Page) -> list[Block]:
    """Split the body into text, image and widget blocks.

    Text is also split before every ``## `` / ``### `` heading, so that the links of a
    section can be shown right after it. A widget marker takes the list that follows it.
    """
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(buf).strip()
        if text:
            blocks.append(Block(kind="text", text=text))
        buf.clear()

    lines = page.body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        img = _IMG_RE.match(line)
        widget = _WIDGET_RE.match(line)
        if img:
            flush()
            alt, src, caption = img.group(1), img.group(2), img.group(3) or ""
            path = (page.path.parent / src).resolve()
            blocks.append(Block(kind="image", path=path, alt=alt, caption=caption))
        elif widget:
            flush()
            items: list[str] = []
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            while j < len(lines) and re.match(r"^\s*([-*]|\d+\.)\s+", lines[j]):
                items.append(lines[j])
                j += 1
            text = "\n".join(items)
            params = _params(widget.group(2))
            if "from" in params:
                params = {**_timer_params(params["from"], page.slug), **params}
            blocks.append(Block(kind="widget", name=widget.group(1), params=params, text=text))
            i = j
            continue
        else:
            if _HEADING_RE.match(line):
                flush()
            buf.append(line)
        i += 1
    flush()
    return blocks


def _timer_params(slug: str, asking: str) -> dict[str, str]:
    """The parameters of the (first) timer on page ``slug``, for a ``from=`` marker on page ``asking``."""
    if slug == asking:
        raise ValueError(f"{asking}: a timer cannot take its settings from its own page")
    for block in page_blocks(get_page(slug)):
        if block.kind == "widget" and block.name == "timer":
            return dict(block.params)
    raise ValueError(f"{asking}: the page {slug!r} has no timer to take settings from")


def internal_links(page: Page | str) -> list[str]:
    """Slugs of the other pages linked from this page (or Markdown text), first-seen order."""
    text = page.body if isinstance(page, Page) else page
    seen: list[str] = []
    for match in _LINK_RE.finditer(text):
        if match.group(2) not in seen:
            seen.append(match.group(2))
    return seen


def link_texts(text: str) -> list[tuple[str, str]]:
    """(link text, slug) pairs of the internal links in a piece of Markdown."""
    return [(m.group(1), m.group(2)) for m in _LINK_RE.finditer(text)]


def strip_links(text: str) -> str:
    """Markdown with internal ``[text](slug.md)`` links turned into bold text (a link already in bold stays
    bold once, not ``****text****``)."""
    text = re.sub(r"\*\*(" + _LINK_RE.pattern + r")\*\*", r"\1", text)
    return _LINK_RE.sub(lambda m: f"**{m.group(1)}**", text)


def image_refs(page: Page) -> list[Path]:
    """Resolved paths of every image the page references."""
    return [b.path for b in page_blocks(page) if b.kind == "image" and b.path is not None]


def _sections(body: str, level: int) -> list[tuple[str, str]]:
    """(heading, text) pairs for headings of exactly ``level``; text ends at the next
    heading of that level or higher. Text before the first heading has heading ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        m = _HEADING_RE.match(line)
        if m and len(m.group(1)) <= level:
            out.append((m.group(2) if len(m.group(1)) == level else "", []))
            if len(m.group(1)) < level:
                out[-1][1].append(line)
            continue
        out[-1][1].append(line)
    return [(h, "\n".join(t).strip()) for h, t in out]


def sources(page: Page) -> str:
    """The Markdown of the page's closing ``## Sources`` section (without the heading)."""
    for heading, text in _sections(page.body, 2):
        if heading.lower() == "sources":
            return text
    return ""


def evidence(page: Page) -> str:
    """The Markdown of the page's ``## Evidence for coaches`` section (without the heading); '' if none."""
    return dict(_sections(page.body, 2)).get(EVIDENCE, "")


def main_text(page: Page) -> str:
    """What every reader sees: the body without the evidence for coaches and the sources."""
    keep = [text for heading, text in _sections(page.body, 2) if heading not in (EVIDENCE, "Sources")]
    return "\n\n".join(keep)


def sport_sections() -> dict[str, str]:
    """Every sport key mapped to its ``your-sport`` subsection (Markdown, heading removed)."""
    found = dict(_sections(get_page("your-sport").body, 3))
    return {key: found.get(heading, "") for key, heading in SPORT_HEADINGS.items()}


def normalise_sport(sport: str | None) -> str:
    """A sport key from a key or label ('Table tennis', 'table_tennis' -> 'table-tennis');
    anything unknown or empty becomes 'other'."""
    if not sport:
        return "other"
    key = re.sub(r"[\s_]+", "-", str(sport).strip().lower())
    if key in SPORTS:
        return key
    for k, label in SPORTS.items():
        if label.lower() == str(sport).strip().lower():
            return k
    return "other"


def sport_section(sport: str | None) -> str:
    """The ``your-sport`` paragraph(s) for a sport key; unknown sports get the general one."""
    return sport_sections()[normalise_sport(sport)]
