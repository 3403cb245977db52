"""Nothing leaves the machine: every request Chromium makes during a session on the app's pages goes to 127.0.0.1."""
from __future__ import annotations

import pytest

from test_browser import ARGS, CHROMIUM, DOM_URLS_JS, Recorder, _local, shots, streamlit_app  # noqa: F401

pytestmark = pytest.mark.browser


def test_local_url_rule():
    assert _local("http://127.0.0.1:8501/static/media/x.woff2") and _local("ws://127.0.0.1:9/_stcore/stream")
    assert _local("data:image/svg+xml;base64,AAAA") and _local("blob:http://127.0.0.1:1/x")
    assert not _local("https://fonts.gstatic.com/s/i/x.svg") and not _local("http://127.0.0.1.example.org/")
    assert not _local("http://localhost:8501/")        # the test serves on 127.0.0.1: anything else is elsewhere


def test_no_request_leaves_the_machine(shots):  # noqa: F811
    """A session as a user has it: the home page, the steps to the upload, the example result (charts,
    stills), every page of the sidebar (Learn pictures, the exercise timer, saved-data pages), and the
    Live page with the camera on (a fake Chromium camera: the WebRTC component and its own frame)."""
    from playwright.sync_api import expect, sync_playwright
    with streamlit_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
        ctx = b.new_context(viewport={"width": 1280, "height": 900})
        rec = Recorder(ctx)
        page = ctx.new_page()
        seen: list[str] = []
        try:
            page.goto(url)
            page.get_by_role("button", name="Start screening").click()
            page.get_by_role("button", name="Show me how to film").click()
            page.get_by_role("button", name="I have my video").click()
            expect(page.get_by_role("button", name="Analyse my video")).to_be_visible(timeout=30_000)
            seen += page.evaluate(DOM_URLS_JS)
            page.goto(f"{url}/?example=1")
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_timeout(1500)
            seen += page.evaluate(DOM_URLS_JS)
            nav = page.locator('[data-testid="stSidebarNav"] a')
            links = nav.evaluate_all("els => els.map(e => e.href)")
            assert len(links) >= 10, links
            for i, link in enumerate(links):          # each page as a user opens it, from the sidebar
                nav.nth(i).click()
                page.wait_for_url(link, timeout=30_000)
                page.wait_for_timeout(700)           # pictures, icons and fonts load
                seen += page.evaluate(DOM_URLS_JS)
            page.goto(f"{url}/live")
            page.get_by_role("button", name="Start camera").click(timeout=30_000)
            cam = page.frame_locator('iframe[title*="webrtc"]').first
            expect(cam.locator("video")).to_be_visible(timeout=30_000)
            page.wait_for_timeout(3000)
            seen += page.evaluate(DOM_URLS_JS)
            page.screenshot(path=str(shots / "privacy-live.png"))
        finally:
            b.close()
    assert len(rec.urls) > 100, "the recorder saw almost nothing"
    assert any(u.startswith("ws://127.0.0.1") for u in rec.urls), "the app's web socket was not recorded"
    assert any("/static/media/" in u for u in rec.urls), "the app's own fonts were not recorded"
    assert rec.elsewhere(seen) == [], f"requests or links to other hosts: {rec.elsewhere(seen)}"
