"""Tests for the Learn/Exercises content, its loader, the illustrations, the rep timer and the pages."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET

import pytest
from streamlit.testing.v1 import AppTest

from screening.outputs import content
from screening.ui.timer import RepTimer, TimerConfig, phase_at

SLUGS = ["knee-valgus", "why-it-matters", "your-sport", "am-i-affected",
         "clamshell", "glute-programme", "short-foot", "landing", "team-warm-up", "workshop-guide"]
PAGES = content.list_pages()


def _draw_module():
    path = content.CONTENT_DIR / "draw_illustrations.py"
    spec = importlib.util.spec_from_file_location("draw_illustrations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- pages and front matter ---------------------------------------------------------------
def test_every_required_page_exists_in_its_section():
    by_slug = {p.slug: p for p in PAGES}
    assert set(SLUGS) <= set(by_slug)
    assert [p.slug for p in content.list_pages("learn")] == SLUGS[:4]
    assert [p.slug for p in content.list_pages("exercises")] == SLUGS[4:]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_front_matter_is_complete(page):
    assert page.title and page.summary.endswith(".") and page.icon
    assert page.section in content.SECTIONS and isinstance(page.order, int)
    assert not page.body.lstrip().startswith("---")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_page_ends_with_non_empty_sources(page):
    headings = [line for line in page.body.splitlines() if line.startswith("## ")]
    assert headings[-1] == "## Sources", "Sources must be the last section"
    refs = [line for line in content.sources(page).splitlines() if line.startswith("- ")]
    assert refs and all("(" in r and ")" in r for r in refs), "each source needs an author and year"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_internal_links_resolve(page):
    for slug in content.internal_links(page):
        assert content.get_page(slug).slug == slug
        assert slug != page.slug


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_images_exist_and_have_alt_text(page):
    images = [b for b in content.page_blocks(page) if b.kind == "image"]
    for block in images:
        assert block.path.is_file(), f"{page.slug}: missing {block.path}"
        assert block.path.parent == content.IMG_DIR and len(block.alt) > 20


def test_pages_that_need_pictures_have_them():
    for slug in ("knee-valgus", "am-i-affected", "clamshell", "glute-programme", "short-foot", "landing"):
        assert content.image_refs(content.get_page(slug)), slug
    assert len(content.image_refs(content.get_page("clamshell"))) >= 5


def test_physio_advice_and_honest_framing():
    for slug in SLUGS:
        assert "physiotherapist" in content.get_page(slug).body, slug
    why = content.get_page("why-it-matters").body
    assert "Nilstad" in why and "Krosshaug" in why and "cannot" in why


def test_get_page_unknown_slug_is_a_clear_key_error():
    with pytest.raises(KeyError, match="no content page 'nope'.*knee-valgus"):
        content.get_page("nope")


def test_page_blocks_split_text_images_and_widgets():
    blocks = content.page_blocks(content.get_page("clamshell"))
    kinds = [b.kind for b in blocks]
    assert kinds.count("image") == 5
    widgets = {b.name: b for b in blocks if b.kind == "widget"}
    assert set(widgets) == {"checklist", "timer", "screen-button"}
    assert widgets["screen-button"].params == {"test": "clamshell"}          # "check your form" (issue 20)
    assert len(widgets["checklist"].text.splitlines()) == 7
    assert widgets["timer"].params["hold"] == "2"
    assert "\n".join(b.text for b in blocks if b.kind == "text").count("![") == 0


def test_link_helpers():
    text = "See [the clamshell](clamshell.md) and [arch](short-foot.md#progressions), ![x](../img/a.svg)."
    assert content.internal_links(text) == ["clamshell", "short-foot"]
    assert content.strip_links(text).startswith("See **the clamshell** and **arch**")


# --- sports -------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(content.SPORTS))
def test_sport_section_for_every_key(key):
    text = content.sport_section(key)
    assert len(text) > 150 and "###" not in text and "## Sources" not in text
    if key != "other":
        assert "What to film" in text


def test_sport_section_normalises_and_falls_back():
    assert content.sport_section("Table tennis") == content.sport_section("table-tennis")
    assert "forehand" in content.sport_section("table_tennis")
    assert content.sport_section("curling") == content.sport_section("other")
    assert content.sport_section(None) == content.sport_section("other")


# --- illustrations ------------------------------------------------------------------------
def test_every_drawable_illustration_exists_and_is_valid_svg():
    draw = _draw_module()
    assert len(draw.FIGURES) >= 15
    for name, fn in draw.FIGURES.items():
        path = content.IMG_DIR / f"{name}.svg"
        assert path.is_file(), f"run python content/draw_illustrations.py ({name} missing)"
        root = ET.fromstring(path.read_text(encoding="utf-8"))
        assert root.tag.endswith("svg") and root.get("viewBox")
        assert fn().render() == path.read_text(encoding="utf-8"), f"{name}.svg is stale"


def test_illustrations_are_deterministic():
    draw = _draw_module()
    assert all(fn().render() == fn().render() for fn in draw.FIGURES.values())


# --- timer --------------------------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


CFG = TimerConfig(sets=2, reps=3, lift_s=1, hold_s=2, lower_s=2, rest_s=10)


def test_timer_total_duration():
    assert CFG.rep_s == 5 and CFG.set_s == 15 and CFG.total_s == 40


@pytest.mark.parametrize("t, expected", [
    (0.0, (1, 1, "lift", 1.0)),
    (0.5, (1, 1, "lift", 0.5)),
    (1.0, (1, 1, "hold", 2.0)),
    (2.5, (1, 1, "hold", 0.5)),
    (3.0, (1, 1, "lower", 2.0)),
    (5.0, (1, 2, "lift", 1.0)),
    (14.9, (1, 3, "lower", 0.1)),
    (15.0, (1, 3, "rest", 10.0)),
    (24.0, (1, 3, "rest", 1.0)),
    (25.0, (2, 1, "lift", 1.0)),
    (37.0, (2, 3, "hold", 1.0)),
    (39.5, (2, 3, "lower", 0.5)),
    (40.0, (2, 3, "done", 0.0)),
    (99.0, (2, 3, "done", 0.0)),
])
def test_timer_phase_at(t, expected):
    set_no, rep, phase, left = phase_at(CFG, t)
    assert (set_no, rep, phase) == expected[:3]
    assert left == pytest.approx(expected[3])


def test_timer_with_fake_clock_start_pause_resume_reset():
    clock = FakeClock()
    timer = RepTimer(CFG, clock=clock)
    s = timer.state()
    assert not s.started and s.phase == "lift" and s.elapsed == 0
    timer.start()
    clock.t += 1.5
    s = timer.state()
    assert (s.set, s.rep, s.phase, s.running) == (1, 1, "hold", True)
    assert s.seconds_left == pytest.approx(1.5) and s.whole_seconds_left == 2
    timer.pause()
    clock.t += 60  # paused: time is frozen
    s = timer.state()
    assert s.elapsed == pytest.approx(1.5) and s.phase == "hold" and not s.running
    timer.resume()
    clock.t += 14.0
    assert timer.state().phase == "rest" and timer.state().set == 1
    clock.t += 100
    s = timer.state()
    assert s.phase == "done" and s.elapsed == CFG.total_s and not s.running and s.progress == 1.0
    timer.reset()
    s = timer.state()
    assert not s.started and s.elapsed == 0 and (s.set, s.rep, s.phase) == (1, 1, "lift")
    timer.start()
    clock.t += 5
    assert (timer.state().rep, timer.state().phase) == (2, "lift")


def test_timer_skips_zero_hold_and_rejects_bad_config():
    cfg = TimerConfig(sets=1, reps=2, lift_s=1, hold_s=0, lower_s=1, rest_s=0)
    assert phase_at(cfg, 1.0)[2] == "lower" and cfg.total_s == 4
    with pytest.raises(ValueError):
        TimerConfig(sets=0)


# --- rendering in AppTest -----------------------------------------------------------------
def _app(slug: str, sport: str | None = None, screen: bool = False) -> None:
    import streamlit as st

    from screening.ui.content_pages import make_pages, render_page

    if sport:
        st.session_state["sport"] = sport
    pages = make_pages()
    if screen:
        st.session_state["_screen_page"] = pages["Learn"][0]
    st.navigation(pages, position="hidden")
    render_page(slug)


def _run(slug: str, **kwargs) -> AppTest:
    at = AppTest.from_function(_app, args=(slug,), kwargs=kwargs, default_timeout=20)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _urls_app() -> None:
    import streamlit as st

    from screening.ui.content_pages import make_pages

    pages = make_pages()
    st.session_state["urls"] = {k: [p.url_path for p in v] for k, v in pages.items()}
    st.session_state["titles"] = [p.title for v in pages.values() for p in v]


def test_make_pages_sections_and_url_paths():
    at = AppTest.from_function(_urls_app, default_timeout=20)   # 3 s is too short on a loaded 2-core machine
    at.run()
    assert at.session_state["urls"] == {"Learn": SLUGS[:4], "Exercises": SLUGS[4:]}
    assert at.session_state["titles"] == [content.get_page(s).title for s in SLUGS]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_renders(slug):
    at = _run(slug)
    page = content.get_page(slug)
    assert at.title[0].value == page.title
    md = "\n".join(m.value for m in at.markdown)
    assert ".md)" not in md, "raw [text](slug.md) links must be rewritten into in-app links"
    assert len(at.get("page_link")) >= len(content.internal_links(page))
    assert "Sources" in md


def test_your_sport_puts_the_chosen_sport_first():
    at = _run("your-sport", sport="table-tennis")
    assert at.subheader[0].value == "Your sport: Table tennis"
    assert [s.value for s in at.subheader].count("Table tennis") == 0
    assert len(at.subheader) == len(content.SPORTS)


def test_am_i_affected_screen_button_is_safe_without_and_with_target():
    at = _run("am-i-affected")
    assert not [b for b in at.button if b.key == "go-screen"]
    assert any("menu" in i.value for i in at.info)
    at = _run("am-i-affected", screen=True)
    assert [b for b in at.button if b.key == "go-screen"]


def test_clamshell_page_links_to_checking_your_form():
    at = _run("clamshell")
    assert not [b for b in at.button if b.key == "go-screen"]          # no screening page registered: say so
    at = _run("clamshell", screen=True)
    button = next(b for b in at.button if b.key == "go-screen")
    assert button.label == "Check my clamshell" and any("pelvis roll back" in m.value for m in at.markdown)
    button.click().run()
    assert (at.session_state["test"], at.session_state["step"]) == ("clamshell", "guide")


def test_clamshell_checklist_and_timer_start():
    at = _run("clamshell")
    boxes = [c for c in at.checkbox if c.key.startswith("clamshell-check-")]
    assert len(boxes) == 7 and not at.success
    for box in boxes:
        box.check()
    at.run()
    assert at.success, "message when every point is ticked"
    at.button(key="clamshell-timer-go").click().run()
    assert not at.exception
    timer = at.session_state["clamshell-timer"]
    assert timer.running and timer.config.reps == 12 and timer.config.hold_s == 2
    assert [b for b in at.button if b.key == "clamshell-timer-pause"]
    at.button(key="clamshell-timer-pause").click().run()
    assert not at.session_state["clamshell-timer"].running
    at.button(key="clamshell-timer-reset").click().run()
    assert not at.session_state["clamshell-timer"].state().started


@pytest.mark.parametrize("slug", ["landing", "your-sport"])
def test_evidence_for_coaches_is_a_collapsed_expander(slug):
    at = _run(slug)
    (box,) = [e for e in at.expander if e.label == content.EVIDENCE]
    inside = "\n".join(m.value for m in box.markdown)
    assert content.evidence(content.get_page(slug)).splitlines()[0][:40] in inside
    assert box.proto.expanded is False, "collapsed until a coach opens it"
    outside = "\n".join(m.value for m in at.markdown if m not in box.markdown)
    assert "confidence interval" not in outside and "odds ratio" not in outside.lower()


def test_a_timer_can_take_another_pages_settings():
    blocks = content.page_blocks(content.get_page("workshop-guide"))
    clam = next(b for b in blocks if b.kind == "widget" and b.params.get("from") == "clamshell")
    assert clam.params["sets"] == "1" and clam.params["reps"] == "12" and clam.params["hold"] == "2"
    with pytest.raises(ValueError, match="no timer"):
        content._timer_params("knee-valgus", "workshop-guide")
