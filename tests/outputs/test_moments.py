"""Stills and key moments lead with the moment that was rated, named with the event's own noun; the video
labels, counts and the few-events note say what a person would (issue 19, items 4 and 10)."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest

from screening.core.vocab import count, signed
from screening.engine.assess import assess
from screening.engine.example import example_result
from screening.engine.framestore import FrameStore
from screening.engine.ratings import summarise_leg
from screening.engine.verdict import rated_moments
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.outputs.annotate import Painter, render_stills
from screening.outputs.report_pdf import pdf_bytes


def _first_two_unseen():
    """The example squat with both legs' measures poorly seen at repetitions 1 and 2 (as on the oblique
    landing clip, where the first landings were measured on a wrong skeleton): only repetition 3 is rated."""
    r = example_result()
    for e in r.events[:2]:
        for leg in ("left", "right"):
            e.values[leg] = [replace(m, reliability="poor", reliability_reason="the knee is hidden")
                             for m in e.values[leg]]
    for leg in r.legs:
        r.legs[leg] = summarise_leg(r.events, leg, "squat", r.sex)
    return r


def test_the_moment_whose_values_were_rated_comes_first():
    r = _first_two_unseen()
    assert [e.index for e in rated_moments(r)] == [3, 1, 2]
    # all three usable: the repetition whose value is the median the left leg (furthest from typical) was
    # rated with comes first, then the others in time order
    full = example_result()
    first, *rest = rated_moments(full)
    left = full.legs["left"]
    angle = next(m.value for m in first.values["left"] if m.key == left.lead.key)
    assert angle == pytest.approx(left.rating(left.lead.key).value)
    assert [e.index for e in rest] == sorted(e.index for e in rest)


def test_stills_and_the_pdf_lead_with_the_rated_moment(tmp_path):
    r = _first_two_unseen()
    rows = {e.key_frame: i for i, e in ((r.series.frame.index(e.key_frame), e) for e in r.events)}
    kept: list[int | None] = [None] * len(r.series.frame)
    with FrameStore(tmp_path) as frames:
        for i in rows.values():
            frames.put(i, np.zeros((r.video.work_height, r.video.work_width, 3), np.uint8))
            kept[i] = i
        stills = render_stills(r, frames, kept, tmp_path)
    times = {e.index: e.key_s for e in r.events}
    assert [label for label, _ in stills] == [f"Rep {i} ({times[i]:.1f} s)" for i in (3, 1, 2)]
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")

    def pdf_text(result, keyframes) -> str:
        (tmp_path / "r.pdf").write_bytes(pdf_bytes(result, keyframes))
        return " ".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
    # the PDF prints only moments where a lead value could be read, even from stills saved in time order
    text = pdf_text(r, sorted(stills))
    assert "Key moments" in text and "Rep 3 (" in text and "Rep 1 (" not in text and "Rep 2 (" not in text
    full = example_result()
    first = rated_moments(full)[0].index
    text = pdf_text(full, [(f"Rep {e.index} ({e.key_s:.1f} s)", stills[0][1]) for e in full.events])
    assert "Key moments (first: the repetition that best shows the rated values)" in text
    assert text.index(f"Rep {first} (") == min(text.index(f"Rep {i} (") for i in (1, 2, 3))


def test_counts_and_signed_angles_read_as_words():
    assert [count(n, "repetition") for n in (0, 1, 3)] == ["0 repetitions", "1 repetition", "3 repetitions"]
    assert count(2, "landing") == "2 landings"
    assert [signed(v) for v in (-0.3, 0.4, -0.5, 12.6, -3.2)] == ["0", "0", "0", "+13", "-3"]


def test_the_video_never_writes_minus_zero():
    r = example_result()
    painter = Painter(r)
    i = r.series.frame.index(r.events[0].key_frame)
    painter.vals["fppa_right_deg"][i], painter.vals["fppa_right_valid"][i] = -0.4, 1.0
    assert painter._leg_text(i, "right", -0.4, True)[0] == "R 0 deg"


def test_a_one_second_clip_is_rated_with_a_note():
    # one squat in a clip of about a second (synthetic: 30 fps, the whole track about 1.3 s long)
    track, _ = synthetic_squat(SquatSpec(reps=1, rep_s=0.8, pause_s=0.1, stand_s=0.15, depth=0.2))
    seconds = float(track.t[-1] - track.t[0])
    assert 0.9 < seconds < 1.6
    r = assess(track, "squat")
    assert len(r.events) == 1 and r.legs["left"].band is not None           # still rated ...
    note = next(n for n in r.notes if n.code == "few_events")              # ... and says on how little
    assert note.level == "warning"
    assert note.message.startswith(f"Only 1 repetition was found in this {seconds:.1f}-second clip")
    assert note.fix.startswith("Film 3-5 repetitions")
    assert not any(n.code == "few_events" for n in example_result().notes)  # three repetitions: no note
