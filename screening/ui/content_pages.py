"""Streamlit pages for the Learn and Exercises content: Markdown, SVG pictures, in-app links, widgets."""

from __future__ import annotations

from functools import partial
from typing import Callable

import streamlit as st

from screening.core.result import TEST_LABELS
from screening.core.specs import SPECS
from screening.outputs import content
from screening.outputs.handout_pdf import handout_pdf, handout_slugs
from screening.ui import state
from screening.ui.timer_view import timer_widget

SECTION_LABELS = {"learn": "Learn", "exercises": "Exercises"}
IMAGE_MAX_WIDTH = 600  # px: pictures shrink to fit on phones, never grow huge on desktop
MAX_WIDTH = 760  # px: comfortable line length and picture size, also in the app's wide layout
# The browser tab's icon, a file of the app's own: a Material icon name as page_icon makes every page fetch
# the icon from a third-party font host (issue 19); a local SVG is sent inside the page.
FAVICON = content.IMG_DIR / "favicon.svg"


def _st_page(page: content.Page) -> st.Page:
    return st.Page(_renderer(page.slug), title=page.title, icon=page.icon, url_path=page.slug)


def _renderer(slug: str) -> Callable[[], None]:
    def run() -> None:
        render_page(slug)

    run.__name__ = f"content_{slug.replace('-', '_')}"
    return run


def make_pages() -> dict[str, list[st.Page]]:
    """{"Learn": [...], "Exercises": [...]}: one st.Page per content page, url_path = slug."""
    return {label: [_st_page(p) for p in content.list_pages(section)] for section, label in SECTION_LABELS.items()}


def page_link(slug: str, label: str | None = None, icon: str | None = None) -> None:
    """An in-app link to a content page (keeps session state, unlike a Markdown link)."""
    page = content.get_page(slug)
    st.page_link(_st_page(page), label=label or page.title, icon=icon or page.icon)


def _links_after(text: str) -> None:
    """Buttons for the internal links of a text block, right under it."""
    pairs, seen = content.link_texts(text), set()
    with st.container(horizontal=True, gap="small"):
        for label, slug in pairs:
            if slug in seen:
                continue
            seen.add(slug)
            page_link(slug, label=f"{label[:1].upper()}{label[1:]}", icon=":material/arrow_forward:")


def _markdown(text: str) -> None:
    st.markdown(content.strip_links(text))
    if content.link_texts(text):
        _links_after(text)


def _image(block: content.Block) -> None:
    if block.path is None or not block.path.is_file():
        st.warning(f"Missing illustration: {block.alt or block.path}")
        return
    with st.container(width=IMAGE_MAX_WIDTH, horizontal_alignment="center"):
        st.image(str(block.path), caption=block.caption or None, width="stretch")


def _checklist(block: content.Block, slug: str) -> None:
    items = [line.split(maxsplit=1)[1] for line in block.text.splitlines() if line.split(maxsplit=1)[1:]]
    with st.container(border=True):
        ticked = [st.checkbox(item, key=f"{slug}-check-{i}") for i, item in enumerate(items)]
        if items and all(ticked):
            st.success("All points ticked: that is a clean clamshell. Keep every rep like this.",
                       icon=":material/check_circle:")
        else:
            st.caption(f"{sum(ticked)} of {len(items)} ticked")


def evidence_box(text: str) -> None:
    """The page's statistics for coaches, collapsed so that the page itself stays plain."""
    with st.expander(content.EVIDENCE, icon=":material/science:"):
        _markdown(text)


def handouts() -> None:
    """A download button per printable handout, the leader sheet among them (built when clicked)."""
    with st.container(border=True):
        for slug in handout_slugs():
            page = content.get_page(slug)
            st.download_button(f"{page.handout_title or page.title} (PDF)", partial(handout_pdf, slug),
                               file_name=f"kneescreen-{slug}.pdf", mime="application/pdf", on_click="ignore",
                               key=f"handout-{slug}", icon=":material/picture_as_pdf:", width="stretch")


def _screen_button(block: content.Block | None = None) -> None:
    """A button into the screening; with ``test=NAME`` (a test of core.specs) it opens that test's filming
    guide ("check your form"). Any other value is ignored."""
    target = st.session_state.get("_screen_page")
    test = (block.params.get("test") if block else None) or None
    test = test if test in SPECS else None
    with st.container(border=True):
        if test is None:
            st.markdown("**Ready?** Film yourself as above and let the app measure your knees.")
        else:
            name = TEST_LABELS[test].split(" (")[0].lower()
            st.markdown(f"**Check your form.** Film a few {name}s and let the app check them"
                        + (": does your pelvis roll back as the knee opens? (experimental)"
                           if SPECS[test].posture == "side-lying" else "."))
        label = "Screen my knees now" if test is None else f"Check my {TEST_LABELS[test].split(' (')[0].lower()}"
        if target is None:
            st.info("Open the screening from the app menu to analyse your video.", icon=":material/videocam:")
        elif st.button(label, type="primary", icon=":material/videocam:", key="go-screen"):
            if test is not None:
                state.put(state.TEST, test)
                state.put(state.STEP, "guide")
            try:
                st.switch_page(target)
            except st.errors.StreamlitAPIException:
                st.info("Open the screening from the app menu to analyse your video.")


def _sport_page(page: content.Page) -> None:
    blocks = content.page_blocks(page)
    intro = [b for b in blocks if b.kind == "text" and not b.text.startswith("#")]
    for b in intro:
        _markdown(b.text)
    chosen = st.session_state.get("sport")
    if chosen is None:
        chosen = st.selectbox("Pick your sport to put it first", list(content.SPORTS),
                              format_func=lambda k: content.SPORTS.get(k, ""), index=None, key="_content_sport_pick")
    sections = content.sport_sections()
    first = content.normalise_sport(chosen) if chosen else None
    if first:
        with st.container(border=True):
            st.subheader(f"Your sport: {content.SPORTS[first]}", anchor=first)
            _markdown(sections[first])
    for key, label in content.SPORTS.items():
        if key != first:
            st.subheader(label, anchor=key)
            _markdown(sections[key])
    if content.evidence(page):
        evidence_box(content.evidence(page))
    st.markdown("## Sources\n\n" + content.sources(page))


def render_page(slug: str) -> None:
    """Draw one content page: title, summary, blocks, widgets, sources, next-page link."""
    page = content.get_page(slug)
    with st.container(width=MAX_WIDTH):
        _render(page)


def _render(page: content.Page) -> None:
    slug = page.slug
    st.title(page.title)
    st.caption(page.summary)
    if page.handout:
        label = f"{page.handout_title.split(':')[0]} to print (PDF)" if page.handout_title else "Handout to print (PDF)"
        st.download_button(label, lambda: handout_pdf(slug),
                           file_name=f"kneescreen-{slug}.pdf", mime="application/pdf", on_click="ignore",
                           key=f"handout-top-{slug}",
                           icon=":material/print:")
    if slug == "your-sport":
        _sport_page(page)
    else:
        for block in content.page_blocks(page):
            if block.kind == "text" and block.text.startswith(f"## {content.EVIDENCE}"):
                evidence_box(block.text.split("\n", 1)[1] if "\n" in block.text else "")
            elif block.kind == "image":
                _image(block)
            elif block.kind == "widget" and block.name == "checklist":
                _checklist(block, slug)
            elif block.kind == "widget" and block.name == "timer":
                timer_widget(block, slug)
            elif block.kind == "widget" and block.name == "handouts":
                handouts()
            elif block.kind == "widget" and block.name == "screen-button":
                _screen_button(block)
            elif block.kind == "text":
                _markdown(block.text)
    pages = content.list_pages()
    idx = [p.slug for p in pages].index(slug)
    if idx + 1 < len(pages):
        st.divider()
        nxt = pages[idx + 1]
        page_link(nxt.slug, label=f"Next: {nxt.title}", icon=":material/arrow_forward:")
