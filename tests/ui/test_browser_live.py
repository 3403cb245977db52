"""The Live page in headless Chromium, a fake camera fed from a real clip: coach, drawn lines, recording to results."""
from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import clip, ffmpeg
from screening.core.result import BANDS
from screening.core.vocab import BAND_COLOURS, rgb
from test_browser import ARGS, CHROMIUM, shots, streamlit_app  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.clips]
BAND_RGB = np.array([rgb(BAND_COLOURS[band]) for band in BANDS])   # the colours the mirror draws knee lines in
# Pixels of the middle of the picture (where the person stands) within 40 of a band colour.
COUNT_JS = """(v, bands) => {
  const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0, top = [0, 0, 0], k = 0;
  for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
    const i = 4 * (y * c.width + x);
    if (y < 12 && x > 150) { top[0] += d[i]; top[1] += d[i + 1]; top[2] += d[i + 2]; k++; }
    if (x < 0.35 * c.width || x > 0.65 * c.width || y < 0.4 * c.height) continue;
    for (const b of bands) if (Math.hypot(d[i] - b[0], d[i + 1] - b[1], d[i + 2] - b[2]) < 40) { n++; break; }
  }
  return [c.width, c.height, n, top.map(s => s / k), v.currentTime];
}"""


def _band_pixels(rgb: np.ndarray) -> int:
    h, w = rgb.shape[:2]
    mid = rgb[int(0.4 * h):, int(0.35 * w):int(0.65 * w) + 1].reshape(-1, 1, 3).astype(float)
    return int((np.linalg.norm(mid - BAND_RGB[None], axis=2) < 40).any(axis=1).sum())


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory):
    """8 s of a real front-view squat clip as the .y4m a fake Chromium camera plays (looped)."""
    src = clip("front_dbsquat_kneeswell_10.mp4")
    out = tmp_path_factory.mktemp("camera") / "squat.y4m"
    ffmpeg("-i", str(src), "-t", "8", "-vf", "scale=640:360,fps=30", "-pix_fmt", "yuv420p", str(out))
    return out


def test_live_camera_coach_lines_recording_to_results(camera_file, shots):
    import av
    from playwright.sync_api import expect, sync_playwright
    with av.open(str(camera_file)) as c:
        raw = [f.to_ndarray(format="rgb24") for _, f in zip(range(240), c.decode(video=0))][::20]
    raw_band = max(_band_pixels(f) for f in raw)
    started = time.time()
    with streamlit_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_file}"])
        page = b.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{url}/live")
            expect(page.get_by_text("processed on this server").first).to_be_visible(timeout=30_000)
            page.get_by_label("Stop after repetitions").fill("2")
            page.get_by_label("Stop after repetitions").press("Enter")
            page.get_by_text("Live mirror").click()
            slider = page.get_by_role("slider").first      # "Or after seconds": 25 -> 15 (a busy machine that
            slider.focus()                                 # cannot count live records by seconds)
            for _ in range(10):
                slider.press("ArrowLeft")
            page.get_by_role("button", name="Start camera").click(timeout=30_000)     # the app's own button
            cam = page.frame_locator('iframe[title*="webrtc"]').first
            coach = page.locator(".st-key-live-coach-ready")
            expect(coach).to_contain_text("Ready", timeout=60_000)           # the framing coach, live
            expect(page.get_by_role("button", name="Stop camera")).to_be_visible()
            assert cam.locator("button").count() == 0                        # none of the component's own
            rates = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=re.compile(r"Camera \d+ frames"))
            expect(rates).to_have_count(1, timeout=60_000)
            camera_fps = int(re.search(r"Camera (\d+) frames", rates.inner_text())[1])
            assert 5 <= camera_fps <= 45, rates.inner_text()    # the fake camera plays 30 fps (not "23000")
            video = cam.locator("video")
            w, h, n, top, t1 = video.evaluate(COUNT_JS, BAND_RGB.tolist())
            page.wait_for_timeout(1000)
            t2 = video.evaluate("v => v.currentTime")
            assert (w, h) == (640, 360) and t2 > t1                           # the returned video plays
            assert top[1] > 90 and top[0] < 70 and top[2] < 40               # green READY bar drawn on it
            print(f'band-coloured pixels: returned video {n}, raw clip at most {raw_band}')
            assert n > 300 and n > 5 * raw_band                               # knee lines in band colours
            page.screenshot(path=str(shots / "live-ready-1280.png"))
            expect(page.get_by_text(re.compile(r"Recording: (\d of 2 repetitions, )?\d+ of \d+ s"))).to_be_visible(
                timeout=30_000)
            expect(page.get_by_text("Knee angle left").first).to_be_visible(timeout=30_000)   # mirror table
            page.screenshot(path=str(shots / "live-recording-1280.png"))
            said, deadline = [], time.monotonic() + 240        # what the panel said until the results came
            while not page.get_by_role("heading", name="Your result").count() and time.monotonic() < deadline:
                said += page.locator(".stMain").get_by_text(re.compile(r"^Recording: |Too few")).all_inner_texts()
                page.wait_for_timeout(300)
            expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=5_000)
            measured = page.get_by_text(re.compile(r"\d+ repetitions? measured"))
            expect(measured).to_be_visible(timeout=20_000)
            found = int(re.search(r"(\d+) repetitions? measured", measured.inner_text())[1])
            counted = [x for x in said if "of 2 repetitions" in x]
            print(f"live panel: {said[-3:]}; the analysis found {found}")
            if any("Too few" in x for x in said):      # a busy machine: the page said the count is not live
                assert found >= 1
            else:                                     # the live count stopped at 2: the analysis agrees,
                assert counted and counted[-1].startswith("Recording: 2 of 2"), said[-3:]
                if found != 2:                        # or the results say why it does not
                    expect(page.get_by_text("the live counter counted 2 repetitions")).to_be_visible()
            expect(page.locator(".st-key-verdict-left")).to_contain_text("Left leg", timeout=20_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shots / "live-result-1280.png"))
        finally:
            b.close()
    left = [d for d in Path(tempfile.gettempdir()).glob("kneescreen-live-*")
            if d.stat().st_mtime >= started and any(d.glob("*.mp4"))]
    assert left == [], f"a live recording was kept: {left}"
