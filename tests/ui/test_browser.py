"""The running app in headless Chromium: the example link, then a real upload through to the results."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, clip, ffmpeg

ROOT = REPO
CLIP = "front_dbsquat_kneeswell_10.mp4"       # a real clip (conftest.clip)
CHROMIUM = os.environ.get("KNEESCREEN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = pytest.mark.browser
LOCAL_SCHEMES = ("data", "blob", "about", "chrome-error")   # made inside the browser: no network
# Every URL the page's own elements point at: icons, style sheets, scripts, pictures, frames, media.
DOM_URLS_JS = """() => Array.from(document.querySelectorAll(
    'link[href], script[src], img[src], iframe[src], video[src], source[src], audio[src]'))
  .map(e => e.href || e.src)"""


class Recorder:
    """Every request (and web socket) of a browser context, from every page and frame in it."""

    def __init__(self, ctx) -> None:
        self.urls: list[str] = []
        ctx.on("request", lambda r: self.urls.append(r.url))
        ctx.on("page", self.watch)

    def watch(self, page) -> None:
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def elsewhere(self, more: list[str] | None = None) -> list[str]:
        """Every URL requested, or given in `more` (the page's own links), that is not on this machine."""
        return sorted({u for u in [*self.urls, *(more or [])] if not _local(u)})


def _local(url: str) -> bool:
    """On this machine (the test serves the app on 127.0.0.1), or made inside the browser."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(env: dict | None = None):
    """Run `streamlit run app.py` on a free localhost port; yields its URL and stops it afterwards.
    Skips when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="kneescreen-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited early; log: {Path(log.name).read_text()[-2000:]}")
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def server():
    with streamlit_app() as url:
        yield url


@pytest.fixture(scope="module")
def shots():
    path = Path(tempfile.mkdtemp(prefix="kneescreen-screenshots-"))
    print(f"\nscreenshots in {path}")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, width=1280, height=900, scheme="light"):
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    return ctx, ctx.new_page()


def _cards(page, timeout_ms: int) -> None:
    page.wait_for_selector(".st-key-verdict-left", timeout=timeout_ms)
    page.wait_for_selector(".st-key-verdict-right", timeout=10_000)


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (390, "dark")])
def test_example_link_shows_cards_and_chart(server, browser, shots, width, scheme):
    from screening.engine.example import example_result
    from screening.core.vocab import BAND_WORD
    ctx, page = _page(browser, width, 844 if width < 500 else 900, scheme)
    try:
        page.goto(f"{server}/?example=1")
        _cards(page, 60_000)
        r = example_result()
        from playwright.sync_api import expect
        for leg, summary in r.legs.items():
            expect(page.locator(f".st-key-verdict-{leg}")).to_contain_text(BAND_WORD[summary.band], timeout=20_000)
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        assert page.get_by_text("EXAMPLE RESULT").count() >= 1
        page.screenshot(path=str(shots / f"example-{width}-{scheme}.png"), full_page=True)
    finally:
        ctx.close()


def _to_upload_step(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Start screening").click()
    page.get_by_role("button", name="Show me how to film").click()
    page.get_by_role("button", name="I have my video").click()


def test_upload_hint_names_the_button_and_the_status_spins_while_it_runs(server, browser, shots, tmp_path):
    """Issue 19: the phone hint names the button the uploader shows; the status box shows a spinner, not
    a tick, while the analysis runs (a 6 s ffmpeg test pattern: the pose model runs, finds nobody)."""
    from playwright.sync_api import expect
    nobody = tmp_path / "pattern.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=6", "-pix_fmt", "yuv420p", str(nobody))
    for width in (390, 1280):
        ctx, page = _page(browser, width, 844 if width < 500 else 900)
        try:
            _to_upload_step(page, server)
            button = page.locator('[data-testid="stFileUploaderDropzone"] button').first
            expect(button).to_be_visible(timeout=30_000)
            label = button.evaluate("""b => { const c = b.cloneNode(true);     // the words, not the icon's name
                c.querySelectorAll('[translate=no], [aria-hidden=true]').forEach(e => e.remove());
                return c.innerText.trim() }""")
            assert label, "the uploader's button has no text"
            expect(page.get_by_text(f"tapping {label} also offers")).to_be_visible()
            if width < 500:
                continue
            page.locator('input[type="file"]').set_input_files(str(nobody))
            analyse = page.get_by_role("button", name="Analyse my video")
            expect(analyse).to_be_enabled(timeout=30_000)
            analyse.click()
            expect(page.get_by_text(re.compile(r"Finding your joints: .*frame \d+ of"))).to_be_visible(timeout=60_000)
            status = page.locator('[data-testid="stExpander"]').filter(has_text="Analysing your video")
            expect(status.get_by_test_id("stExpanderIconSpinner")).to_be_visible()
            assert status.get_by_test_id("stExpanderIconCheck").count() == 0
            page.screenshot(path=str(shots / "status-running.png"))
            expect(page.locator(".st-key-analysis-error")).to_be_visible(timeout=180_000)   # nobody in it
        finally:
            ctx.close()


@pytest.mark.clips
def test_upload_a_real_clip_to_the_results(server, browser, shots):
    path = clip(CLIP)
    ctx, page = _page(browser)
    rec = Recorder(ctx)
    rec.watch(page)
    try:
        _to_upload_step(page, server)
        page.locator('input[type="file"]').set_input_files(str(path))
        analyse = page.get_by_role("button", name="Analyse my video")
        from playwright.sync_api import expect
        expect(analyse).to_be_enabled(timeout=30_000)   # once the upload has reached the server
        analyse.click()
        page.get_by_text("Analysing your video").wait_for(timeout=30_000)
        page.wait_for_selector('[data-testid="stStatusWidget"], [data-testid="stExpander"] [data-testid="stProgress"]',
                               timeout=30_000)
        page.screenshot(path=str(shots / "progress.png"))
        _cards(page, 120_000)
        page.wait_for_selector("video", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        from playwright.sync_api import expect
        expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=20_000)
        expect(page.get_by_role("button", name="Annotated video (MP4)")).to_be_visible(timeout=20_000)
        page.screenshot(path=str(shots / "result.png"), full_page=True)
        seen = page.evaluate(DOM_URLS_JS)
    finally:
        ctx.close()
    assert rec.elsewhere(seen) == [], f"the upload and its results reached other hosts: {rec.elsewhere(seen)}"
    if os.environ.get("KNEESCREEN_KEEP_SCREENSHOTS") is None and os.environ.get("CI"):
        shutil.rmtree(shots, ignore_errors=True)


def test_phone_width_shows_the_verdict_and_every_measure_whole(server, browser, shots):
    """At 390 px (an iPhone's width): the card's measure name wraps instead of being cut off, the table of
    every measure fits the screen with its bands, nothing is wider than the phone, the chart's repetition
    numbers do not overlap."""
    ctx, page = _page(browser, 390, 844)
    try:
        page.goto(f"{server}/?example=1")
        _cards(page, 60_000)
        page.wait_for_selector(".ks-measures", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot .annotation-text", timeout=30_000)
        for leg in ("left", "right"):
            label = page.locator(f".st-key-lead-{leg} [data-testid='stCaptionContainer']").first
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{leg} label cut off"
            assert label.inner_text().strip() in ("Knee angle from the front (FPPA)",
                                                  "Knee shift over the foot, from standing")
        table = page.locator(".ks-measures").bounding_box()
        assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= 390
        bands = page.locator(".ks-measures .ks-sub").all_inner_texts()
        assert any(b.startswith("Marked") for b in bands) and any(b.startswith("Typical") for b in bands)
        wide = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert wide <= 390, f"the page is {wide} px wide"
        boxes = [b for b in (a.bounding_box() for a in page.locator(".js-plotly-plot .annotation-text").all()
                             if (a.text_content() or "").strip().isdigit()) if b]
        assert len(boxes) >= 3
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or \
                    a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
                assert apart, (a, b)
        page.screenshot(path=str(shots / "phone-results.png"), full_page=True)
    finally:
        ctx.close()
