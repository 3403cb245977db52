"""The saved-data pages in headless Chromium: workspace key flow, progress, compare, workshop batch, saving."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from conftest import clip
from test_browser import CLIP, browser, shots, streamlit_app  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
BROKEN = b"this is a text file renamed .mp4\n" * 20


@pytest.fixture(scope="module")
def db_path():
    return Path(tempfile.mkdtemp(prefix="kneescreen-browser-db-")) / "kneescreen.sqlite3"


@pytest.fixture(scope="module")
def server(db_path):
    env = dict(os.environ, KNEESCREEN_DB=str(db_path))
    env.pop("KNEESCREEN_SAVING", None)
    with streamlit_app(env) as url:
        yield url


@pytest.fixture(scope="module")
def seeded(db_path):
    """A workspace with a profile of two screenings (fppa 22 then 12) and a workshop; returns its key."""
    from screening.store.db import Store
    from test_app_saved import png, squat_result
    store = Store(db_path)
    _, key = store.create_workspace()
    ws = store.open_workspace(key)
    profile = ws.create_profile("Alex Morgan")
    still = db_path.parent / "still.png"
    still.write_bytes(png())
    for peak, created in ((22.0, "2026-01-05T10:00:00+00:00"), (12.0, "2026-02-16T10:00:00+00:00")):
        ws.save_screening(profile.id, squat_result(peak, created), keyframes=[("Rep 1", still)])
    ws.create_session("Tuesday group", "leader-42")
    return key


def _page(browser, width=1280, scheme="light"):  # noqa: F811
    ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844}, color_scheme=scheme)
    return ctx, ctx.new_page()


def _shot(page, path: Path, width: int) -> None:
    """Grow the viewport to the page's height (Streamlit scrolls inside its main block), then screenshot."""
    h = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]'); "
                      "return m ? m.scrollHeight : document.body.scrollHeight }")
    page.set_viewport_size({"width": width, "height": max(int(h) + 40, 600)})
    time.sleep(1.0)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})


def _type(page, label: str, text: str) -> None:
    """Fill a text box and leave it, so Streamlit has the value before the next click."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Control+Enter" if "\n" in text else "Enter")
    time.sleep(1.5)


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_create_a_workspace_and_see_the_key_once(server, browser, shots):  # noqa: F811
    from playwright.sync_api import expect
    ctx, page = _page(browser, 390)
    try:
        page.goto(f"{server}/my-screenings")
        page.get_by_role("button", name="Create a workspace").click()
        expect(page.get_by_text("shown only once")).to_be_visible(timeout=20_000)
        key = page.locator('[data-testid="stCode"] code').inner_text().strip()
        assert len(key) >= 30
        href = page.get_by_role("link", name="KneeScreen workspace link").get_attribute("href")
        assert href.endswith(f"/my-screenings?key={key}")
        _shot(page, shots / "workspace-key-390-light.png", 390)
        page.get_by_role("button", name="I have saved my key").click()
        expect(page.get_by_text("shown only once")).to_have_count(0, timeout=20_000)
        _no_exception(page)
    finally:
        ctx.close()


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (390, "dark")])
def test_saved_pages_from_a_key_link(server, browser, shots, seeded, width, scheme):  # noqa: F811
    from playwright.sync_api import expect
    ctx, page = _page(browser, width, scheme)
    try:
        for name in ("my-screenings", "progress", "compare", "workshop"):
            page.goto(f"{server}/{name}?key={seeded}")
            expect(page.get_by_text("Your workspace is open").first).to_be_visible(timeout=30_000)
            assert "key=" not in page.url           # taken out of the address bar
            if name == "progress":
                page.wait_for_selector(".js-plotly-plot", timeout=30_000)
                expect(page.get_by_text("more than the 8 deg a re-test can vary by")).to_be_visible()
            if name == "compare":
                expect(page.locator(".st-key-cmp-col-1")).to_contain_text("TYPICAL", timeout=20_000)
            if name == "workshop":
                _type(page, "Leader passcode", "leader-42")
                page.get_by_role("button", name="Open workshop").click()
                expect(page.get_by_text("1. Participants")).to_be_visible(timeout=20_000)
            time.sleep(1.5)
            _no_exception(page)
            _shot(page, shots / f"{name}-{width}-{scheme}.png", width)
    finally:
        ctx.close()


def test_workshop_from_a_key_link_keeps_the_passcode_typed_after_the_title(server, browser, seeded,  # noqa: F811
                                                                             db_path):
    """Issue 19: opened from its bookmark link, a leader types the title, Tab, the passcode (at a person's
    pace, while the title's rerun arrives) and Create: the workshop is made with the whole passcode."""
    from playwright.sync_api import expect

    from screening.store.db import Store
    ctx, page = _page(browser)
    try:
        page.goto(f"{server}/workshop?key={seeded}")
        expect(page.get_by_text("Your workspace is open").first).to_be_visible(timeout=30_000)
        page.get_by_label("Title", exact=True).click()
        page.keyboard.type("Key link group", delay=60)
        page.keyboard.press("Tab")
        page.keyboard.type("leader-42", delay=60)
        page.get_by_role("button", name="Create workshop").click()
        expect(page.get_by_text("1. Participants")).to_be_visible(timeout=30_000)
        assert page.get_by_text("Choose a leader passcode").count() == 0
        _no_exception(page)
    finally:
        ctx.close()
    ws = Store(db_path).open_workspace(seeded)
    made = next(s for s in ws.sessions() if s.title == "Key link group")
    assert ws.open_session(made.id, "leader-42").id == made.id     # the passcode typed, all of it


def test_wrong_key_link_says_so(server, browser):  # noqa: F811
    from playwright.sync_api import expect
    ctx, page = _page(browser)
    try:
        page.goto(f"{server}/progress?key=not-a-real-key")
        expect(page.get_by_text("No workspace has this key")).to_be_visible(timeout=30_000)
        assert "key=" not in page.url
        _no_exception(page)
    finally:
        ctx.close()


@pytest.mark.clips
def test_workshop_batch_with_a_failing_clip(server, browser, shots, seeded, tmp_path):  # noqa: F811
    path = clip(CLIP)
    from playwright.sync_api import expect
    broken = tmp_path / "Bea.mp4"
    broken.write_bytes(BROKEN)
    named = tmp_path / f"Ava{path.suffix}"
    named.write_bytes(path.read_bytes())
    ctx, page = _page(browser)
    try:
        page.goto(f"{server}/workshop?key={seeded}")
        page.get_by_role("button", name="Create workshop").wait_for(timeout=30_000)
        _type(page, "Title", "Browser group")
        _type(page, "Leader passcode (at least 4 characters)", "leader-42")
        page.get_by_role("button", name="Create workshop").click()
        _type(page, "Add participants: names or codes, one per line", "Ava\nBea\nCai")
        page.get_by_role("button", name="Add participants").click()
        expect(page.get_by_text("Added 3 participants")).to_be_visible(timeout=20_000)
        page.locator('input[type="file"]').set_input_files([str(named), str(broken)])
        run = page.get_by_role("button", name="Analyse 2 clips")
        expect(run).to_be_enabled(timeout=30_000)
        _shot(page, shots / "workshop-clips-1280-light.png", 1280)
        run.click()
        page.wait_for_selector('[data-testid="stProgress"]', timeout=30_000)
        page.screenshot(path=str(shots / "workshop-running-1280-light.png"))
        expect(page.get_by_text("Finished: 1 of 2 clips")).to_be_visible(timeout=240_000)
        expect(page.get_by_text("Bea:")).to_be_visible()
        _no_exception(page)
        _shot(page, shots / "workshop-done-1280-light.png", 1280)
    finally:
        ctx.close()


@pytest.mark.clips
def test_save_a_real_result_to_a_profile(server, browser, shots, seeded, db_path):  # noqa: F811
    path = clip(CLIP)
    from playwright.sync_api import expect
    ctx, page = _page(browser)
    try:
        page.goto(f"{server}/?key={seeded}")
        expect(page.get_by_text("Your workspace is open").first).to_be_visible(timeout=30_000)
        page.get_by_role("link", name="Screen my knees").first.click()
        page.get_by_role("button", name="Start screening").click()
        page.get_by_role("button", name="Show me how to film").click()
        page.get_by_role("button", name="I have my video").click()
        page.locator('input[type="file"]').set_input_files(str(path))
        analyse = page.get_by_role("button", name="Analyse my video")
        expect(analyse).to_be_enabled(timeout=30_000)
        analyse.click()
        panel = page.locator(".st-key-save-panel")
        expect(panel).to_be_visible(timeout=180_000)
        expect(panel.get_by_role("checkbox", name="Also keep the annotated video")).not_to_be_checked()
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(shots / "save-panel-1280-light.png"))
        panel.get_by_role("button", name="Save this screening").click()
        expect(panel).to_contain_text("Saved under Alex Morgan", timeout=30_000)
        _no_exception(page)
        panel.screenshot(path=str(shots / "save-panel-saved-1280-light.png"))
    finally:
        ctx.close()
    from screening.store.db import Store
    ws = Store(db_path).open_workspace(seeded)
    profile = next(p for p in ws.profiles() if p.name == "Alex Morgan")
    latest = ws.screenings(profile.id)[-1]
    assert latest.video is None and latest.keyframes and not latest.result.example
