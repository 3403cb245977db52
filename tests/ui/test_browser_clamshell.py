"""The clamshell in headless Chromium as a user meets it: the fourth test card, its own filming guide, the real
clip uploaded to its result (right leg on top, pelvis stacked), at a computer's width and a phone's."""
from __future__ import annotations

import os

import pytest

from conftest import clip
from test_browser import browser, server, shots  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.clips]
SHOTS = os.environ.get("KNEESCREEN_SHOTS")       # a folder to keep the screenshots in (they are never committed)


@pytest.mark.parametrize("width", [1280, 390])
def test_clamshell_from_the_home_page_to_its_result(server, browser, shots, width):  # noqa: F811
    from pathlib import Path

    from playwright.sync_api import expect
    out = Path(SHOTS) if SHOTS else shots
    out.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(server)
        expect(page.get_by_text("Four tests to choose from")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Clamshell (experimental)").first).to_be_visible()
        page.screenshot(path=str(out / f"home-{width}.png"), full_page=True)
        page.get_by_role("button", name="Start screening").click()
        expect(page.get_by_role("heading", name="Which test?")).to_be_visible(timeout=20_000)
        page.locator('[role="radiogroup"]').first.get_by_text("Clamshell (experimental)").click()
        expect(page.get_by_text("finds your top leg from the video")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("no validated norm exists").first).to_be_visible()
        page.screenshot(path=str(out / f"choose-{width}.png"), full_page=True)
        page.get_by_role("button", name="Show me how to film").click()
        expect(page.get_by_text("Phone on the floor, in front of you")).to_be_visible(timeout=20_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / f"guide-{width}.png"), full_page=True)
        page.get_by_role("button", name="I have my video").click()
        page.locator('input[type="file"]').set_input_files(str(clip("clamshell_sidelying_banded_correct_45.mp4")))
        analyse = page.get_by_role("button", name="Analyse my video")
        expect(analyse).to_be_enabled(timeout=30_000)
        analyse.click()
        card = page.locator(".st-key-verdict-right")
        expect(card).to_contain_text("Right leg (top)", timeout=180_000)
        expect(card).to_contain_text("TYPICAL")
        expect(card).to_contain_text("stayed stacked")
        expect(page.get_by_text("1 repetition measured")).to_be_visible()
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        expect(page.get_by_text("% shorter than closed").first).to_be_visible(timeout=20_000)   # the chart
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / f"result-{width}.png"), full_page=True)
        for name, target in (("media", page.get_by_text("The measured moments")),
                             ("chart", page.locator(".js-plotly-plot").last),
                             ("measures", page.get_by_role("heading", name="Every measure"))):
            target.first.scroll_into_view_if_needed()
            page.wait_for_timeout(700)
            page.screenshot(path=str(out / f"result-{name}-{width}.png"))
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="PDF report").click()
        pdf = out / f"report-{width}.pdf"
        dl.value.save_as(str(pdf))
        assert pdf.read_bytes()[:5] == b"%PDF-"
    finally:
        ctx.close()
