"""Attacks in headless Chromium: an imported profile whose labels carry script and whose name carries a
Markdown image must show as plain text on every saved-data page; no script runs, no URL is fetched or linked."""
from __future__ import annotations

import io
import json
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from conftest import clip
from test_browser import browser, shots, streamlit_app  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
TRAP = "127.0.0.1:9"          # nothing listens there; any request to it is the attack working
LABEL = f'<iframe srcdoc="<script>parent.document.title=\'owned\'</script>"></iframe><img src="http://{TRAP}/l.png">'
UNIT_SVG = "<svg><script>parent.document.title='owned'</script></svg>"
NAME = f"Sam ![pixel](http://{TRAP}/name.png)"


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    """A server whose database holds a workspace with the hostile profile imported (two screenings)."""
    from screening.store.db import Store
    from test_app_saved import squat_result
    db = Path(tempfile.mkdtemp(prefix="kneescreen-browser-db-")) / "kneescreen.sqlite3"
    ws = Store(db).open_workspace(key := Store(db).create_workspace()[1])
    entries = []
    for peak, created in ((22.0, "2026-01-05T10:00:00+00:00"), (12.0, "2026-02-16T10:00:00+00:00")):
        result = squat_result(peak, created).to_dict()
        for rating in result["legs"]["left"]["ratings"]:
            rating["label"] = LABEL
        entries.append({"created": created, "note": UNIT_SVG, "result": result, "video": None, "keyframes": []})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("profile.json", json.dumps({"format": "kneescreen-profile", "version": 1,
                                               "profile": {"name": NAME, "created": ""}, "screenings": entries}))
    ws.import_profile(buf.getvalue())
    env = dict(os.environ, KNEESCREEN_DB=str(db))
    env.pop("KNEESCREEN_SAVING", None)
    with streamlit_app(env) as url:
        yield url, key, db


def test_hostile_labels_and_names_stay_text(evil, browser, shots):  # noqa: F811
    from playwright.sync_api import expect
    url, key, _ = evil
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if TRAP in r.url else None)
    try:
        for name in ("my-screenings", "compare", "progress"):
            page.goto(f"{url}/{name}?key={key}")
            expect(page.get_by_text("Your workspace is open").first).to_be_visible(timeout=30_000)
            if name == "compare":
                expect(page.locator(".st-key-cmp-col-1")).to_contain_text("TYPICAL", timeout=20_000)
                expect(page.locator(".st-key-cmp-col-0")).to_contain_text("<iframe srcdoc=")   # shown as text
            if name == "my-screenings":
                shown = re.compile(r"Sam !\[pixel\]\(http:\W*127\.0\.0\.1:9.name\.png\)")   # literally
                expect(page.get_by_role("heading", name=shown)).to_be_visible(timeout=20_000)
            time.sleep(2)
            page.screenshot(path=str(shots / f"hostile-{name}.png"), full_page=True)
            assert page.locator("iframe[srcdoc]").count() == 0
            assert page.locator(f'img[src*="{TRAP}"]').count() == 0
            assert page.locator(f'a[href*="{TRAP}"]').count() == 0          # not even a link to click
            assert page.evaluate("document.title") != "owned"
        assert fetched == [], f"the page fetched {fetched}"
    finally:
        ctx.close()


@pytest.mark.clips
def test_cancel_a_workshop_batch(evil, browser, shots, tmp_path):  # noqa: F811
    """Cancel stops the clips still running: their rows say cancelled (not 'running' forever), no worker
    process is left behind, and the page says what happened."""
    from playwright.sync_api import expect

    from screening.store.db import Store
    from test_batch_hardening import SHORT, _alive, _children
    from test_load import _server_pid
    source = clip(SHORT)
    url, key, db = evil
    ws = Store(db).open_workspace(key)
    sess = ws.create_session("Cancel group", "leader-42")
    for name in ("Ava", "Bea", "Cai"):
        ws.add_participant(sess.id, name)
    clips = []
    for name in ("Ava", "Bea", "Cai"):
        clips.append(tmp_path / f"{name}.mov")
        clips[-1].write_bytes(source.read_bytes())
    server = _server_pid(url)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{url}/workshop?key={key}")
        page.get_by_role("button", name="Open workshop").wait_for(timeout=30_000)
        expect(page.get_by_role("combobox", name="Workshop")).to_have_value(re.compile("Cancel group"))  # newest
        box = page.get_by_label("Leader passcode", exact=True)
        box.fill("leader-42")
        box.press("Enter")
        time.sleep(1.5)
        page.get_by_role("button", name="Open workshop").click()
        page.locator('input[type="file"]').set_input_files([str(c) for c in clips])
        run = page.get_by_role("button", name="Analyse 3 clips")
        expect(run).to_be_enabled(timeout=30_000)
        run.click()
        cancel = page.get_by_role("button", name="Cancel")
        expect(cancel).to_be_visible(timeout=30_000)
        time.sleep(3)                                   # the workers are analysing now
        workers = [p for p in _children(server) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert workers, "no worker process was running"
        cancel.click()
        expect(page.get_by_text(re.compile(r"Cancelled: \d clips? stopped"))).to_be_visible(timeout=60_000)
        page.screenshot(path=str(shots / "workshop-cancelled.png"), full_page=True)
        statuses = [p.status for p in ws.participants(sess.id)]
        assert "running" not in statuses and "cancelled" in statuses, statuses
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "a worker kept running after Cancel"
    finally:
        ctx.close()
