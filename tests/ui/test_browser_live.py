"""The Live page in headless Chromium, a fake camera fed from a real clip: coach, drawn lines, recording to results.

The returned video is read frame by frame (a canvas of the <video>), waiting for what the page draws rather than
sampling one moment: on a busy machine the server measures a few frames a second, the coach may change its
mind for a frame, and the red frame of the knee-inside cue may cover the top edge of the picture."""
from __future__ import annotations

import base64
import re
import tempfile
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pytest

from conftest import clip, ffmpeg
from screening.core.result import BANDS
from screening.core.vocab import BAND_COLOURS, rgb
from test_browser import ARGS, CHROMIUM, shots, streamlit_app  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.clips]
BAND_RGB = np.array([rgb(BAND_COLOURS[band]) for band in BANDS])   # the colours the mirror draws knee lines in
FRAME_JS = """v => { const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  c.getContext('2d').drawImage(v, 0, 0); return [c.toDataURL('image/png'), v.currentTime]; }"""
FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
               "--autoplay-policy=no-user-gesture-required"]


def returned_frame(cam) -> tuple[np.ndarray, float]:
    """The frame the returned <video> shows now (RGB) and its current time."""
    url, t = cam.locator("video").evaluate(FRAME_JS)
    png = np.frombuffer(base64.b64decode(url.split(",", 1)[1]), np.uint8)
    return cv2.imdecode(png, cv2.IMREAD_COLOR)[..., ::-1].copy(), float(t)


def wait_for_frame(page, cam, check: Callable[[np.ndarray], bool], seconds: float, shot: Path) -> np.ndarray:
    """Read the returned video until a frame passes `check`; the last frame read is saved to `shot` (a PNG to
    look at when it never does)."""
    deadline, rgb_ = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        rgb_, _ = returned_frame(cam)
        if check(rgb_):
            break
        page.wait_for_timeout(250)
    assert rgb_ is not None
    cv2.imwrite(str(shot), rgb_[..., ::-1])
    return rgb_


def settle(page) -> None:
    """Wait until the app has finished its runs (settings changed, the camera component mounted): a click on
    Start camera during one of them may start the browser's side twice (two peer connections, whose mixed
    ICE candidates fail the connection after 15 s)."""
    from playwright.sync_api import expect
    app = page.locator('[data-testid="stApp"]')
    for _ in range(3):
        page.wait_for_timeout(400)
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)


def start_camera(page, shots: Path, name: str) -> None:
    """The app's own Start camera button, once the page is settled; the app must then offer Stop camera."""
    from playwright.sync_api import expect
    expect(page.frame_locator('iframe[title*="webrtc"]').first.locator("body")).not_to_be_empty(timeout=60_000)
    settle(page)
    page.get_by_role("button", name="Start camera").click(timeout=30_000)
    try:
        expect(page.get_by_role("button", name="Stop camera")).to_be_visible(timeout=30_000)
    except AssertionError:
        page.screenshot(path=str(shots / f"{name}-start-failed.png"))
        raise


def record_seconds(page, seconds: int) -> None:
    """Set "Or after seconds" (its slider starts at 5 s, one step a second) and wait for the app to take it."""
    from playwright.sync_api import expect
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("Home")
    for _ in range(seconds - 5):
        slider.press("ArrowRight")
    expect(slider).to_have_value(str(seconds))


def green_bar(rgb_: np.ndarray) -> bool:
    """The coach's READY bar across the top (rows 8-17: below the cue's red frame; left of the REC dot)."""
    r, g, b = rgb_[8:18, 150:rgb_.shape[1] - 40].reshape(-1, 3).mean(axis=0)
    return bool(g > 90 and r < 70 and b < 40)


def _band_pixels(rgb: np.ndarray) -> int:
    """Pixels of the middle of the picture (where the person stands) within 40 of a band colour."""
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
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE_CAMERA + [
            f"--use-file-for-fake-video-capture={camera_file}"])
        page = b.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{url}/live")
            expect(page.get_by_text("processed on this server").first).to_be_visible(timeout=30_000)
            page.get_by_label("Stop after repetitions").fill("2")
            page.get_by_label("Stop after repetitions").press("Enter")
            page.get_by_text("Live mirror").click()
            record_seconds(page, 10)            # what a busy machine that cannot count live records (4 reps)
            start_camera(page, shots, "live")                                # the app's own button
            cam = page.frame_locator('iframe[title*="webrtc"]').first
            expect(page.locator(".st-key-live-coach-ready")).to_contain_text("Ready", timeout=90_000)  # the coach
            assert cam.locator("button").count() == 0                        # none of the component's own
            rates = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=re.compile(r"Camera \d+ frames"))
            expect(rates).to_have_count(1, timeout=60_000)
            camera_fps = int(re.search(r"Camera (\d+) frames", rates.inner_text())[1])
            assert 5 <= camera_fps <= 45, rates.inner_text()    # the fake camera plays 30 fps (not "23000")
            frame = wait_for_frame(page, cam, lambda f: green_bar(f) and _band_pixels(f) > max(300, 5 * raw_band),
                                   30, shots / "live-returned-frame.png")
            n, t1 = _band_pixels(frame), returned_frame(cam)[1]
            page.wait_for_timeout(1000)
            (h, w), t2 = frame.shape[:2], returned_frame(cam)[1]
            assert (w, h) == (640, 360) and t2 > t1                           # the returned video plays
            assert green_bar(frame), "no green READY bar on the returned video (live-returned-frame.png)"
            print(f'band-coloured pixels: returned video {n}, raw clip at most {raw_band}; {rates.inner_text()}')
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
            if not page.get_by_role("heading", name="Your result").count():
                page.screenshot(path=str(shots / "live-no-result-1280.png"))
                pytest.fail(f"no result after 240 s; the panel said {said[-3:]} (live-no-result-1280.png)")
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
