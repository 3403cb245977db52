"""The Streamlit app through AppTest: every page, the flow, the example result, errors, a real clip."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import clip
from streamlit.testing.v1 import AppTest

from apptest import APP, _upload_step, goto, no_errors, start, texts  # noqa: F401 - shared helpers

from screening.engine.example import example_result
from screening.core.specs import SPECS
from screening.core.result import TESTS
from screening.ui import guide, state
from screening.core.vocab import BAND_WORD

CLIP = "front_dbsquat_kneeswell_10.mp4"       # a real clip (conftest.clip)


def test_home_renders_with_the_three_tests_and_privacy():
    at = start()
    no_errors(at)
    body = texts(at)
    assert at.title[0].value == "KneeScreen"
    for label in ("Squat", "Single-leg squat", "Drop-jump landing"):
        assert f"**{label}**" in body
    assert "not sent anywhere" in body and "not a diagnosis" in body
    assert at.button(key="start") and at.button(key="example")


def test_every_page_renders():
    at = start()
    pages = [info.get("url_pathname") for info in at._registered_pages.values()]
    assert {"", "results", "about"} <= set(pages)
    for url in pages:
        goto(at, url)
        no_errors(at)
        assert at.title, f"page {url!r} has no title"
    goto(at, "about")
    assert "Privacy" in [h.value for h in at.header]


@pytest.mark.parametrize("test", TESTS)
def test_flow_choose_guide_upload(test):
    at = start()
    at.button(key="start").click().run()
    at.radio(key="w_test").set_value(test).run()
    at.radio(key="w_sex").set_value("male").run()
    no_errors(at)
    # step 1 says why it asks in plain words: Herrington and Munro 2010 give drop-jump landings a typical knee
    # angle up to 13 deg (women) and 8 deg (men); the squat norms (Herrington 2014) have no sex split; the
    # clamshell has no validated norm at all
    step1 = texts(at)
    assert ("up to 13° is typical for women and up to 8° for men" in step1) == (test == "drop-jump")
    assert ("the same for women and men" in step1) == (test in ("squat", "single-leg-squat"))
    assert ("no validated norm exists" in step1) == SPECS[test].experimental
    assert not re.search(r"norms|\+/-|detectable difference|FPPA", step1), step1
    if test == "single-leg-squat":
        at.radio(key="w_leg").set_value("right").run()
    at.button(key="next_guide").click().run()
    no_errors(at)
    assert "How to film" in at.header[0].value
    svgs = [m.value for m in at.markdown if m.value.startswith("<svg")]
    assert len(svgs) >= (5 if SPECS[test].posture == "side-lying" else 6)
    at.button(key="next_upload").click().run()
    no_errors(at)
    up = at.file_uploader(key="upload")
    assert set(up.allowed_type) >= {".mp4", ".mov", ".webm", ".avi", ".m4v"}
    assert at.button(key="analyse").disabled          # nothing uploaded yet
    # choices survive going back
    at.button(key="change").click().run()
    assert at.radio(key="w_test").value == test and at.radio(key="w_sex").value == "male"
    assert at.session_state[state.SEX] == "male"


@pytest.mark.parametrize("test", TESTS)
def test_guide_pictures_are_valid_svg(test):
    for title, caption, svg in guide.cards(test, "left"):
        ET.fromstring(svg)          # well-formed
        assert title and caption
    assert any("60 fps" in c[1] or "60 frames" in c[0] for c in guide.cards("drop-jump"))


def _check_example_results(at: AppTest) -> None:
    no_errors(at)
    r = example_result()
    assert at.title[0].value == "Example result"
    assert any("EXAMPLE" in w.value for w in at.warning)
    assert r.legs["left"].band == "marked" and r.legs["right"].band == "typical"
    for leg, summary in r.legs.items():
        card = "\n".join(m.value for m in at.container(f"verdict-{leg}").markdown)
        assert f"{leg.capitalize()} leg" in card
        assert BAND_WORD[summary.band] in card
        assert summary.headline in card
    labels = [b.label for b in at.get("download_button")]
    for want in ("Results (JSON)", "Per-frame values (CSV)"):
        assert want in labels
    assert "PDF report" in labels or any("PDF" in b.label for b in at.button)
    assert len(at.get("plotly_chart")) >= 1
    assert r.disclaimer in texts(at)


def test_example_result_from_the_home_button():
    at = start()
    at.button(key="example").click().run()
    _check_example_results(at)


def test_example_link_query_param():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["example"] = "1"
    at.run()
    _check_example_results(at)


def _in_order(node) -> list:
    """Every element under an AppTest node, in page order."""
    kids = getattr(node, "children", None)
    return [node] if kids is None else [el for k in sorted(kids) for el in _in_order(kids[k])]


def test_a_turned_clip_says_so_above_the_verdicts():
    """Issue 19: the note that the video was turned upright sits under the title, not only at the bottom."""
    import dataclasses
    from screening.core.result import Note
    from screening.engine.example import example_result
    turned = Note("turned_upright", "warning", "The video was stored turned by 90 deg (...), so KneeScreen "
                  "turned it upright before measuring.", "Film with the phone held upright and still.")
    r = dataclasses.replace(example_result(), example=False, notes=[turned])
    at = start(**{state.OUTPUTS: state.Outputs(result=r, video=None, keyframes=[], csv=None, source_name="x.mp4")})
    goto(at, "results")
    no_errors(at)
    order = [getattr(el, "value", "") for el in _in_order(at.main)]
    said = [i for i, v in enumerate(order) if isinstance(v, str) and "stored turned by 90 deg" in v]
    cards = [i for i, v in enumerate(order) if isinstance(v, str) and "Left leg" in v]
    assert len(said) == 1 and cards and said[0] < min(cards), (said, cards)
    assert "No other capture problems were found." in texts(at)


def test_a_live_recording_whose_analysis_counts_otherwise_says_why():
    """Issue 19: 'stop after 3' stopped at 3 and the analysis found 8; the results now say which counts."""
    import dataclasses
    from screening.engine.example import example_result
    r = dataclasses.replace(example_result(), example=False, notes=[])
    n = len(r.events)
    out = state.Outputs(result=r, source_name="live-recording.mp4")
    at = start(**{state.OUTPUTS: out, state.LIVE_COUNT: ("live-recording.mp4", n - 1)})
    goto(at, "results")
    no_errors(at)
    said = "\n".join(i.value for i in at.info)
    assert f"the live counter counted {n - 1} repetition" in said and f"found {n}" in said
    at.session_state[state.LIVE_COUNT] = ("live-recording.mp4", n)          # the same count: nothing to say
    at.run()
    assert "live counter" not in "\n".join(i.value for i in at.info)


def test_results_page_without_a_result_points_to_start():
    at = start()
    goto(at, "results")
    no_errors(at)
    assert "No result yet" in texts(at)


def _real_pipeline():
    from screening import pipeline   # the real engine: a broken import fails the test
    return pipeline


def test_bad_upload_with_the_real_engine():
    _real_pipeline()
    at = _upload_step("renamed.mp4", b"this is a text file renamed .mp4\n" * 20, "video/mp4")
    no_errors(at)
    err = "\n".join(e.value for e in at.error)
    assert "renamed.mp4" in err and "not a video we can read" in err, err
    assert at.session_state[state.ERROR]["code"] == "unreadable", at.session_state[state.ERROR]
    # nothing lost: still on the upload step with the same choices and the file still chosen
    assert at.session_state[state.STEP] == "upload" and at.session_state[state.TEST] == "squat"
    assert at.file_uploader(key="upload").value is not None


@pytest.mark.clips
def test_real_clip_reaches_the_results():
    path = clip(CLIP)
    _real_pipeline()
    at = _upload_step(path.name, path.read_bytes())
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    out = at.session_state[state.OUTPUTS]
    assert out is not None and not out.result.example and out.video
    assert at.title[0].value == "Your result"
    for leg, summary in out.result.legs.items():
        card = "\n".join(m.value for m in at.container(f"verdict-{leg}").markdown)
        assert BAND_WORD[summary.band] in card
    labels = [b.label for b in at.get("download_button")]
    assert {"Results (JSON)", "Per-frame values (CSV)", "Annotated video (MP4)"} <= set(labels)
    assert at.get("video") and at.get("plotly_chart")


def test_downloads_build_csv_and_pdf_for_the_example():
    from screening.ui.exports import csv_bytes, pdf_bytes
    from screening.ui.results import example_outputs
    out = example_outputs()
    text = csv_bytes(out).decode()
    assert text.startswith("frame,") and len(text.splitlines()) == len(out.result.series.frame) + 1
    assert pdf_bytes(out).startswith(b"%PDF")


def test_upload_name_is_kept_but_made_safe():
    from screening.ui.analysis import _safe_name
    assert _safe_name("renamed.mp4") == "renamed.mp4"
    assert _safe_name("../../etc/passwd") == "passwd.mp4"
    assert _safe_name("My squat (1).MOV") == "My squat (1).mov"
    assert _safe_name("") == "video.mp4"


def test_full_model_offline_falls_back_to_lite_with_a_message(monkeypatch, tmp_path):
    from screening.engine import models
    monkeypatch.setenv(models.ENV_MODEL_DIR, str(tmp_path))
    monkeypatch.setenv(models.ENV_BASE_URL, "http://127.0.0.1:9")      # nothing listens: offline
    at = start(**{state.STEP: "upload"})
    at.radio(key="w_model").set_value("full").run()
    assert "not on this machine yet" in texts(at)
    at.button(key="download_model").click().run(timeout=60)
    no_errors(at)
    warning = "\n".join(w.value for w in at.warning)
    assert "'lite' model" in warning and "full" in warning


def test_about_page_shows_how_accurate_it_is_from_the_validation_summary():
    at = goto(start(), "about")
    no_errors(at)
    assert "How accurate is it" in [h.value for h in at.header]
    body = texts(at)
    # the page shows the file's figures, the same text the README table summarises
    accuracy = (Path(APP).parent / "content" / "accuracy.md").read_text()
    assert accuracy.strip() in body and "mirror" in accuracy and "not been" in accuracy


def test_single_leg_guide_asks_for_five_on_each_leg_in_either_order():
    title, caption, svg = guide.cards("single-leg-squat")[0]
    assert caption.startswith("5 slow squats on each leg, either order, in one video")
    assert "in either order" in ET.fromstring(svg).get("aria-label", "") + svg
    assert "on the left leg" in guide.cards("single-leg-squat", "left")[0][1]
