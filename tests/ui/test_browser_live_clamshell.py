"""The Live page's clamshell mode in headless Chromium, the fake camera fed the real clamshell clip (looped): the
coach says Ready for a person lying across the picture, the openings are counted, the gauge is drawn on the
returned video, and the recording opens the clamshell's result (right leg on top, no roll)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import clip, ffmpeg
from test_browser import ARGS, CHROMIUM, shots, streamlit_app  # noqa: F401 - fixtures
from test_browser_live import FAKE_CAMERA, record_seconds, start_camera, wait_for_frame

pytestmark = [pytest.mark.browser, pytest.mark.clips]
THIGH_RGB = np.array((40, 160, 235))    # live.clamshell draws the thighs and the gauge's needle in this colour


def thigh_pixels(rgb: np.ndarray) -> int:
    """Pixels within 40 of the thighs' colour."""
    return int((np.linalg.norm(rgb.reshape(-1, 3).astype(float) - THIGH_RGB, axis=1) < 40).sum())


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory):
    """Clip 45 cropped around the person to 16:9, at 30 fps (each of its 3.3 fps frames repeated), as .y4m."""
    out = tmp_path_factory.mktemp("camera") / "clamshell.y4m"
    ffmpeg("-i", str(clip("clamshell_sidelying_banded_correct_45.mp4")), "-vf",
           "crop=540:304:0:160,scale=640:360,fps=30", "-pix_fmt", "yuv420p", str(out))
    return out


def test_live_clamshell_counts_openings_and_opens_its_result(camera_file, shots):
    from playwright.sync_api import expect, sync_playwright
    with streamlit_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE_CAMERA + [
            f"--use-file-for-fake-video-capture={camera_file}"])
        page = b.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{url}/live")
            expect(page.get_by_text("processed on this server").first).to_be_visible(timeout=30_000)
            page.get_by_text("Clamshell (experimental)").click()
            page.get_by_label("Stop after repetitions").fill("2")
            page.get_by_label("Stop after repetitions").press("Enter")
            page.get_by_text("Live mirror").click()
            record_seconds(page, 15)        # 3 openings of the looped clip, when a busy machine cannot count live
            start_camera(page, shots, "live-clamshell")                      # the app's own button
            cam = page.frame_locator('iframe[title*="webrtc"]').first
            expect(page.locator(".st-key-live-coach-ready")).to_contain_text("Ready", timeout=90_000)
            frame = wait_for_frame(page, cam, lambda f: thigh_pixels(f) > 100, 30,
                                   shots / "live-clamshell-returned-frame.png")
            page.screenshot(path=str(shots / "live-clamshell-ready-1280.png"))
            assert frame.shape[:2] == (360, 640)
            assert thigh_pixels(frame) > 100                          # the thighs and the gauge, drawn live
            expect(page.get_by_text(re.compile(r"Recording: (\d of 2 repetitions, )?\d+ of 15 s"))).to_be_visible(
                timeout=30_000)                                # auto-start on Ready, with the knee closed
            expect(page.get_by_text("Hip line").first).to_be_visible(timeout=60_000)     # a top in the table
            page.screenshot(path=str(shots / "live-clamshell-recording-1280.png"))
            expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=150_000)
            expect(page.get_by_text(re.compile(r"[2-9] repetitions measured"))).to_be_visible(timeout=20_000)
            card = page.locator(".st-key-verdict-right")
            expect(card).to_contain_text("Right leg (top)", timeout=20_000)
            expect(card).to_contain_text("TYPICAL")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shots / "live-clamshell-result-1280.png"), full_page=True)
        finally:
            b.close()
