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
from screening.outputs.handouts import handout_parts, handout_sections

PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")


def text_of(pdf: bytes) -> str:
    out = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_every_exercise_programme_has_a_handout():
    assert handout_slugs() == ["clamshell", "glute-programme", "short-foot", "landing", "team-warm-up",
                               "workshop-guide"]


def test_handout_sections_follow_the_front_matter():
    secs = handout_sections(content.get_page("clamshell"))
    assert [h for h, _ in secs] == ["The big fault: the pelvis rolls back", "Step 1: Set up", "Step 2: The movement",
                                    "Step 3: Breathing and bracing",
                                    "Step 4: Tempo", "Dose and rep timer", "Self-check"]
    dose = dict(secs)["Dose and rep timer"]
    assert dose.startswith("**Dose:**") and "widget" not in dose
    checklist = dict(secs)["Self-check"]
    assert "<!--" not in checklist and checklist.count("\n- ") == 7  # the 7 checklist items stay, as a list
    glute = [h for h, _ in handout_sections(content.get_page("glute-programme"))]
    assert glute[:2] == ["1. Side-lying hip abduction", "2. Side plank with hip abduction"]
    # a "@Dose" paragraph inside a section that is printed whole is not printed twice
    foot = handout_sections(content.get_page("short-foot"))
    assert [h for h, _ in foot].count("Progressions") == 1


def test_unknown_handout_heading_is_a_clear_error():
    page = dataclasses.replace(content.get_page("clamshell"), handout=("Step 9: Fly",))
    with pytest.raises(ValueError, match="Step 9: Fly"):
        handout_sections(page)
    with pytest.raises(ValueError, match="no handout"):
        handout_pdf("knee-valgus")
    with pytest.raises(KeyError):
        handout_pdf("../etc/passwd")


@needs_poppler
@pytest.mark.parametrize("slug, must", [
    ("clamshell", ["Lift in about 1 second", "top hand on your top hip bone", "2-3 sets of 10-15 reps per side"]),
    ("glute-programme", ["Dose at a glance", "Single-leg deadlift", "Weeks 5-6", "Common fault:"]),
    ("short-foot", ["Draw the ball of the big toe toward the heel", "No toe curling", "2-3 sets of 10 holds"]),
    ("landing", ["Hold the landing for 2 seconds", "knakontroll.se", "FIFA 11+"]),
    ("team-warm-up", ["Part 1: run and wake up", "Nordic", "2-3 times a week"]),
    ("workshop-guide", ["Leader sheet", "written consent from a parent or guardian", "Stop rule", "First aid",
                        "Floor and footwear check", "Session plan (30 minutes)", "Giving feedback on the results"]),
])
def test_handout_is_one_or_two_pages_with_the_page_words_and_evidence_apart(slug, must):
    pdf = handout_pdf(slug)
    assert pdf.startswith(b"%PDF") and 1 <= pages(pdf) <= 2
    text = text_of(pdf)
    page = content.get_page(slug)
    for words in [page.handout_title or page.title, *must, "Not a diagnosis", "physiotherapist"]:
        assert words in text, words
    assert "widget" not in text and ".md" not in text and "![" not in text and "****" not in text
    proof = text.index("Evidence for coaches: the studies behind this sheet")     # a separate, headed part
    assert proof > max(text.index(w) for w in must), "the evidence comes after the athlete's part"


def test_glute_handout_has_a_picture_and_the_common_fault_for_every_exercise():
    parts = handout_parts(content.get_page("glute-programme"))
    exercises = [p for p in parts if p.heading[:2] in {f"{i}." for i in range(1, 7)}]
    assert len(exercises) == 6
    for part in exercises:
        assert part.image is not None and part.image.is_file(), part.heading
        assert "**How:**" in part.text and "**Dose:**" in part.text and "**Common fault:**" in part.text
    squat = next(p for p in exercises if p.heading.startswith("5."))
    assert "Step 1: sit-to-stand" in squat.text, "a list that follows How comes along"


def test_clamshell_handout_opens_with_the_big_fault_and_its_picture():
    first = handout_parts(content.get_page("clamshell"))[0]
    assert first.heading == "The big fault: the pelvis rolls back" and first.image.name == "clamshell-fault.svg"
    assert "Rolling back takes work away from the glutes." in first.text


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
    for words in ("30 cm box", "20 cm step", "mats", "Two phones on stands", "pain", "no drop jumps", "Workshop",
                  "Name each file after the code", "2-3 times a week", "FIFA 11+", "widget: handouts", "Petushek",
                  "first-aid kit", "ice pack", "U16 girls", "privacy defaults", "Delete the clips from the phones"):
        assert words in body, words


def _plan() -> list[tuple[int, int, str, str]]:
    """The session plan table: (start, end, block, what happens) per row."""
    section = dict(content._sections(content.get_page("workshop-guide").body, 2))["Session plan (30 minutes)"]
    assert "| Minutes | Block | What happens |" in section
    rows = re.findall(r"^\| (\d+)-(\d+) \| ([^|]+) \| ([^|]+) \|$", section, re.MULTILINE)
    return [(int(a), int(b), block.strip(), what.strip()) for a, b, block, what in rows]


def _minutes(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60} min {whole % 60} s" if whole % 60 else f"{whole // 60} min"


def test_leader_sheet_plan_fills_30_minutes_and_runs_the_app_timers():
    """The plan's minutes add up to 30 with no gap, and its mat block is as long as the timers the guide page
    actually runs (the clamshell and short-foot pages' presets with one set per side, read from the code)."""
    from screening.ui.timer import TimerConfig

    plan = _plan()
    assert plan[0][0] == 0 and plan[-1][1] == 30 and sum(b - a for a, b, *_ in plan) == 30
    assert all(b == c for (_, b, *_), (c, *_) in itertools.pairwise(plan)), "no gaps or overlaps"
    guide = content.get_page("workshop-guide")
    timers = {b.params["from"]: b for b in content.page_blocks(guide) if b.kind == "widget" and b.name == "timer"}
    assert set(timers) == {"clamshell", "short-foot"}
    rounds = [row for row in plan if row[2].startswith("Round")]
    assert len(rounds) == 2, "two rounds: each half of the group films once and does the mat block once"
    mats = next(what for *_, block, what in plan if block == "Round 1")
    total = 0.0
    for slug, block in timers.items():
        home = next(b for b in content.page_blocks(content.get_page(slug)) if b.kind == "widget" and b.name == "timer")
        assert {k: v for k, v in block.params.items() if k not in ("from", "sets")} == \
            {k: v for k, v in home.params.items() if k != "sets"}, "the exercise page's own timing, one set"
        config = TimerConfig.from_params(block.params)
        assert config.sets == 1 and config.sides == 2
        unit = "holds" if block.params.get("mode") == "hold" else ""
        assert f"1 set of {config.reps} {unit}".replace("  ", " ").strip() in mats
        assert f"(timer {_minutes(config.total_s)})" in mats, (slug, _minutes(config.total_s))
        total += config.total_s
    for start, end, *_ in rounds:
        assert total + 60 <= (end - start) * 60, "the timers plus a minute to change over fit in each round"
    athletes, per_minutes = map(int, re.search(r"(\d+) athletes each, about (\d+) minutes per athlete",
                                                mats).groups())
    assert athletes * per_minutes <= rounds[0][1] - rounds[0][0], "filming fits in the round"
    assert 2 * athletes * len(rounds) == 12, "two stations x two rounds film all 12 athletes"
    assert any("Feedback on the results" == block for *_, block, _w in plan), "a slot for feedback on the results"


def test_timer_presets_read_like_the_widget():
    from screening.ui.timer import TimerConfig

    clam = TimerConfig.from_params({"sets": "3", "reps": "12", "hold": "2", "lift": "1", "lower": "2", "rest": "30",
                                    "sides": "2"})
    assert clam.total_s == 2 * (3 * 12 * 5 + 2 * 30) + 10        # by hand: 490 s, 8 min 10 s
    foot = TimerConfig.from_params({"mode": "hold", "sets": "1", "reps": "10", "hold": "8", "lower": "3",
                                    "rest": "30", "sides": "2"})
    assert foot.lift_s == 0 and foot.total_s == 2 * 10 * 11 + 10    # 230 s, 3 min 50 s
    assert TimerConfig.from_params({"reps": "x", "hold": "9999"}) == TimerConfig(reps=10, hold_s=2.0)


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
    assert [b for b in at.get("download_button") if b.proto.label == "Leader sheet (PDF)"], "printable from here"


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
            assert labels == ["Handout to print (PDF)"]
        elif slug == "knee-valgus":
            assert labels == []
        else:
            assert labels[0] == "Leader sheet to print (PDF)"
            assert labels[1:] == [f"{content.get_page(s).handout_title or content.get_page(s).title} (PDF)"
                                  for s in handout_slugs()]
            timers = [b for b in at.button if b.key and b.key.endswith("-timer-go")]
            assert {b.key for b in timers} == {"workshop-guide-clamshell-timer-go",
                                               "workshop-guide-short-foot-timer-go"}
