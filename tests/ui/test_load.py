"""Load test: 10 browser sessions upload a clip at once to one local server (the shared demo set-up).

Every session must end on its results or on a clear 'server is busy' message, at most N analyses run at
once (the others show their place in the queue), and the server's memory stays under 4 GB.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conftest import clip
from test_browser import browser, shots, streamlit_app  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.clips]
CLIP = "front_ohsquat_shallow_mild_06.mov"      # 2.2 s, 3 MB, 1080x1920 as phones film (MANIFEST.md; 05: 2.9 s)
SESSIONS = 10
LIMIT_GB = 4.0
DEADLINE_S = 240


def _tree_rss_gb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    parents, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid], rss[pid] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in tree) / 1024 ** 3


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for cmd in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmd.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(cmd.parent.name)
    raise AssertionError(f"no streamlit process on port {port}")


def test_ten_sessions_uploading_at_once(browser, shots):  # noqa: F811
    path = clip(CLIP)
    from playwright.sync_api import expect
    env = dict(os.environ, KNEESCREEN_SAVING="off")         # as on the public demo server
    env.pop("KNEESCREEN_MAX_ANALYSES", None)
    with streamlit_app(env) as url:
        pid, peak, stop = _server_pid(url), [0.0], threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_rss_gb(pid))
                time.sleep(0.25)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        pages = []
        try:
            for _ in range(SESSIONS):
                ctx = browser.new_context(viewport={"width": 1100, "height": 900})
                page = ctx.new_page()
                page.goto(url)
                page.get_by_role("button", name="Start screening").click()
                page.get_by_role("button", name="Show me how to film").click()
                page.get_by_role("button", name="I have my video").click()
                page.locator('input[type="file"]').set_input_files(str(path))
                pages.append((ctx, page))
            for _, page in pages:
                expect(page.get_by_role("button", name="Analyse my video")).to_be_enabled(timeout=60_000)
            t0 = time.monotonic()
            for _, page in pages:                       # as close to "at once" as one driver can click
                page.get_by_role("button", name="Analyse my video").click()
            outcome: dict[int, str] = {}
            queued = set()
            while len(outcome) < SESSIONS and time.monotonic() - t0 < DEADLINE_S:
                for i, (_, page) in enumerate(pages):
                    if i in outcome:
                        continue
                    if page.locator(".st-key-verdict-left").count():
                        outcome[i] = "results"
                    elif page.get_by_text("The server is busy").count():
                        outcome[i] = "busy"
                    elif page.get_by_text("could not be analysed").count() or \
                            page.locator('[data-testid="stException"]').count():
                        outcome[i] = "error"
                    elif page.get_by_text("in the queue").count():
                        if not queued:
                            page.screenshot(path=str(shots / "load-queue.png"))
                        queued.add(i)
                time.sleep(0.5)
            took = time.monotonic() - t0
            pages[-1][1].screenshot(path=str(shots / "load-last.png"), full_page=True)
        finally:
            stop.set()
            sampler.join(5)
            for ctx, _ in pages:
                ctx.close()
        counts = {k: list(outcome.values()).count(k) for k in ("results", "busy", "error")}
        print(f"\nload: {SESSIONS} sessions in {took:.0f} s: {counts}; {len(queued)} showed a queue position; "
              f"server peak memory {peak[0]:.2f} GB")
        assert len(outcome) == SESSIONS, f"only {len(outcome)} of {SESSIONS} finished within {DEADLINE_S} s"
        assert counts["error"] == 0 and counts["results"] + counts["busy"] == SESSIONS
        assert counts["results"] >= 1 and queued, "nobody waited in the queue: the limit did not apply"
        assert peak[0] < LIMIT_GB
