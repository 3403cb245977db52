"""Printable handouts and take-home sheets made from the content Markdown, and the Run-a-workshop page."""
from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess

import pytest

from screening.outputs import content
from screening.engine.example import example_result
from screening.outputs.handout_pdf import handout_pdf, handout_slugs, take_home_pdf, take_home_sheets

PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")


def text_of(pdf: bytes) -> str:
    out = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_every_exercise_programme_has_a_handout():
    assert handout_slugs() == ["clamshell", "glute-programme", "short-foot", "landing"]


def test_handout_sections_follow_the_front_matter():
    secs = content.handout_sections(content.get_page("clamshell"))
    assert [h for h, _ in secs] == ["Step 1: Set up", "Step 2: The movement", "Step 3: Breathing and bracing",
                                    "Step 4: Tempo", "Dose and rep timer", "Self-check"]
    dose = dict(secs)["Dose and rep timer"]
    assert dose.startswith("**Dose:**") and "widget" not in dose
    checklist = dict(secs)["Self-check"]
    assert "<!--" not in checklist and checklist.count("\n- ") == 7  # the 7 checklist items stay, as a list
    glute = [h for h, _ in content.handout_sections(content.get_page("glute-programme"))]
    assert glute[:2] == ["1. Side-lying hip abduction", "2. Side plank with hip abduction"]
    # a "@Dose" paragraph inside a section that is printed whole is not printed twice
    foot = content.handout_sections(content.get_page("short-foot"))
    assert [h for h, _ in foot].count("Progressions") == 1


def test_unknown_handout_heading_is_a_clear_error():
    page = dataclasses.replace(content.get_page("clamshell"), handout=("Step 9: Fly",))
    with pytest.raises(ValueError, match="Step 9: Fly"):
        content.handout_sections(page)
    with pytest.raises(ValueError, match="no handout"):
        handout_pdf("knee-valgus")
    with pytest.raises(KeyError):
        handout_pdf("../etc/passwd")


@needs_poppler
@pytest.mark.parametrize("slug, must", [
    ("clamshell", ["Lift in about 1 second", "top hand on your top hip bone", "2-3 sets of 10-15 reps per side"]),
    ("glute-programme", ["Dose at a glance", "Single-leg deadlift", "Weeks 5-6"]),
    ("short-foot", ["Draw the ball of the big toe toward the heel", "No toe curling", "2-3 sets of 10 holds"]),
    ("landing", ["Hold the landing for 2 seconds", "knakontroll.se", "FIFA 11+"]),
])
def test_handout_is_one_page_with_the_page_words(slug, must):
    pdf = handout_pdf(slug)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    text = text_of(pdf)
    page = content.get_page(slug)
    for words in [page.title, *must, "Not a diagnosis", "physiotherapist"]:
        assert words in text, words
    assert "widget" not in text and ".md" not in text and "![" not in text


@needs_poppler
def test_take_home_sheet_has_the_result_and_its_exercises():
    result = example_result()  # synthetic squat: left knee set to collapse to 24 deg, right 5 deg
    pdf = take_home_pdf(result, "Alex")
    assert pages(pdf) == 1
    text = text_of(pdf)
    assert "Your knee screening: Alex" in text
    assert "Left leg: MARKED" in text and "24°" in text and "Right leg: TYPICAL" in text
    for slug in ("glute-programme", "clamshell", "short-foot"):
        assert content.get_page(slug).title in text
    assert "2-3 sets of 10-15 reps per side" in text  # the clamshell dose, from its page
    assert "physiotherapist" in text and "not an injury forecast" in text


@needs_poppler
def test_take_home_sheets_are_one_pdf_per_group_one_page_each():
    result = example_result()
    sheets = take_home_sheets([(result, "Alex"), (result, "Sam")])
    assert pages(sheets) == 2
    text = text_of(sheets)
    assert text.index("Your knee screening: Alex") < text.index("Your knee screening: Sam")
    assert text == text_of(take_home_pdf(result, "Alex")) + " " + text_of(take_home_pdf(result, "Sam"))
    assert take_home_sheets([]) == b""


def test_workshop_guide_covers_the_kit():
    body = content.get_page("workshop-guide").body
    for words in ("30 cm", "mats", "mini-bands", "Phone stands", "pain", "no drop jumps", "Warm-up before drop jumps",
                  "Workshop", "file after the participant", "2-3 times a week", "FIFA 11+", "knakontroll.se",
                  "widget: handouts", "Petushek"):
        assert words in body, words
    plan = re.findall(r"^\d\. \*\*(\d+)-(\d+) min", body, re.MULTILINE)
    spans = [(int(a), int(b)) for a, b in plan]
    assert spans[0][0] == 0 and spans[-1][1] == 30, "the plan fills the 30 minutes"
    assert all(b == c for (_, b), (c, _) in itertools.pairwise(spans)), "no gaps or overlaps in the plan"


def test_workshop_page_links_the_guide_and_offers_take_home_sheets(tmp_path, monkeypatch):
    from apptest import create_workspace, goto, no_errors, start

    from screening.store.db import Store

    db = tmp_path / "kneescreen.sqlite3"
    monkeypatch.setenv("KNEESCREEN_DB", str(db))
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    at = start()
    goto(at, "workshop")  # behind the workspace gate the guide is already linked
    assert any("Run a workshop" in str(link.proto) for link in at.get("page_link"))
    key = create_workspace(at)
    goto(at, "workshop")
    assert any("Run a workshop" in str(link.proto) for link in at.get("page_link"))
    at.text_input(key="wk_title").input("U16").run()
    at.text_input(key="wk_pass").input("leader-42").run()
    at.button(key="wk_create").click().run()
    at.text_area(key="wk_names").input("Alex\nSam").run()
    at.button(key="wk_add").click().run()
    ws = Store(db).open_workspace(key)
    (sess,) = ws.sessions()
    alex = ws.participants(sess.id)[0]
    sid = ws.save_screening(ws.create_profile("Alex").id, example_result(), None, [])
    ws.record_participant_result(sess.id, alex.id, sid, "ok", "")
    at.run()
    no_errors(at)
    sheets = [b for b in at.get("download_button") if "Take-home" in b.proto.label]
    assert len(sheets) == 1 and "(PDF, 1)" in sheets[0].proto.label and not sheets[0].proto.disabled


def test_each_programme_page_offers_its_handout():
    from streamlit.testing.v1 import AppTest

    def app(slug: str) -> None:
        import streamlit as st

        from screening.ui.content_pages import make_pages, render_page
        st.navigation(make_pages(), position="hidden")
        render_page(slug)

    for slug in ("clamshell", "knee-valgus", "workshop-guide"):
        at = AppTest.from_function(app, args=(slug,), default_timeout=20)
        at.run()
        assert not at.exception
        labels = [b.proto.label for b in at.get("download_button")]
        if slug == "clamshell":
            assert labels == ["One-page handout to print (PDF)"]
        elif slug == "knee-valgus":
            assert labels == []
        else:
            assert labels == [f"{content.get_page(s).title} (PDF, one page)" for s in handout_slugs()]
