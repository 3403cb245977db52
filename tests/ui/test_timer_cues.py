"""The exercise timer's sides, hold-only mode and sound cues, and the timer widget on the exercise pages."""
from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from screening.ui.cues import CUES, RATE, cue_wav
from screening.ui.timer import RepTimer, TimerConfig, position_at
from screening.ui.timer_view import phase_name

# 2 sides x 2 sets x 2 reps of 1 s lift + 2 s hold + 2 s lower: rep 5 s, set 10 s, one side
# 10 + 10 (rest) + 10 = 30 s, whole exercise 30 + 15 (switch) + 30 = 75 s (worked by hand)
SIDES = TimerConfig(sets=2, reps=2, lift_s=1, hold_s=2, lower_s=2, rest_s=10, sides=2, switch_s=15)


def test_two_sided_durations():
    assert (SIDES.rep_s, SIDES.set_s, SIDES.side_s, SIDES.total_s) == (5, 10, 30, 75)


@pytest.mark.parametrize("t, expected", [
    (0.0, (1, 1, 1, "lift", 1.0)),
    (12.0, (1, 1, 2, "rest", 8.0)),
    (29.5, (1, 2, 2, "lower", 0.5)),
    (30.0, (1, 2, 2, "switch", 15.0)),
    (44.0, (1, 2, 2, "switch", 1.0)),
    (45.0, (2, 1, 1, "lift", 1.0)),
    (51.0, (2, 1, 2, "hold", 2.0)),
    (74.5, (2, 2, 2, "lower", 0.5)),
    (75.0, (2, 2, 2, "done", 0.0)),
])
def test_two_sided_positions(t, expected):
    pos = position_at(SIDES, t)
    assert (pos.side, pos.set, pos.rep, pos.phase) == expected[:4]
    assert pos.left == pytest.approx(expected[4])


def test_timer_state_reports_the_side():
    clock = [0.0]
    timer = RepTimer(SIDES, clock=lambda: clock[0])
    timer.start()
    clock[0] = 46.0
    s = timer.state()
    assert (s.side, s.set, s.rep, s.phase) == (2, 1, 1, "hold")


def test_hold_only_timer_relaxes_between_holds():
    cfg = TimerConfig(sets=1, reps=3, lift_s=0, hold_s=8, lower_s=3, rest_s=0)
    assert cfg.total_s == 33
    timer = RepTimer(cfg, clock=lambda: 9.0)
    timer.start(now=0.0)
    s = timer.state()
    assert s.phase == "lower" and phase_name(s, hold_only=True) == "relax" and phase_name(s, False) == "lower"
    assert position_at(cfg, 11.0).phase == "hold" and position_at(cfg, 11.0).rep == 2


def test_bad_sides_rejected():
    with pytest.raises(ValueError, match="sides"):
        TimerConfig(sides=3)


def _read(data: bytes) -> tuple[tuple[int, int, int], np.ndarray]:
    with wave.open(io.BytesIO(data)) as w:
        fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        return fmt, np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(float)


@pytest.mark.parametrize("phase, hz", [("lift", 880), ("lower", 440), ("rest", 330)])
def test_cue_is_a_wav_beep_of_its_pitch_and_length(phase, hz):
    fmt, x = _read(cue_wav(phase))
    assert fmt == (1, 2, RATE)
    assert len(x) / RATE == pytest.approx(sum(s for _, s in CUES[phase]), abs=0.002)
    spectrum = np.abs(np.fft.rfft(x))
    assert np.fft.rfftfreq(len(x), 1 / RATE)[spectrum.argmax()] == pytest.approx(hz, abs=5)
    assert 0.5 * 32767 < np.abs(x).max() <= 32767


def test_hold_cue_is_two_beeps_and_variants_differ():
    _, x = _read(cue_wav("hold"))
    loud = np.convolve(np.abs(x) > 2000, np.ones(50), "same") > 0  # smoothed "sound on" envelope
    starts = np.flatnonzero(np.diff(np.r_[0, loud.astype(int)]) == 1)
    assert len(starts) == 2, "hold = two short beeps"
    assert cue_wav("lift", 0) != cue_wav("lift", 1) and cue_wav("lift", 2) == cue_wav("lift", 0)
    with pytest.raises(KeyError, match="no sound cue"):
        cue_wav("jump")


def _page(slug: str) -> None:
    import streamlit as st

    from screening.ui.content_pages import make_pages, render_page
    st.navigation(make_pages(), position="hidden")
    render_page(slug)


def _run(slug: str) -> AppTest:
    at = AppTest.from_function(_page, args=(slug,), default_timeout=20)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_clamshell_timer_sides_tempo_and_sound():
    at = _run("clamshell")
    assert at.toggle(key="clamshell-timer-sides").value is True  # the page marker asks for both sides
    at.number_input(key="clamshell-timer-lower").set_value(3).run()
    at.number_input(key="clamshell-timer-rest").set_value(20).run()
    cfg = at.session_state["clamshell-timer"].config
    assert (cfg.sides, cfg.lower_s, cfg.rest_s, cfg.lift_s, cfg.hold_s, cfg.reps) == (2, 3, 20, 1, 2, 12)
    assert not at.get("audio"), "no sound before the start"
    at.button(key="clamshell-timer-go").click().run()
    assert not at.exception
    assert len(at.get("audio")) == 1, "a beep is played when the timer starts"
    assert "Left side" in "\n".join(str(h.proto) for h in at.get("html"))
    at.toggle(key="clamshell-timer-sound").set_value(False).run()
    assert not at.get("audio")


@pytest.mark.parametrize("slug, hold, reps", [("short-foot", 8, 10), ("glute-programme", 20, 3)])
def test_hold_timers_on_short_foot_and_side_plank(slug, hold, reps):
    at = _run(slug)
    cfg = at.session_state[f"{slug}-timer"].config
    assert (cfg.lift_s, cfg.hold_s, cfg.reps, cfg.sides) == (0, hold, reps, 2)
    labels = [n.label for n in at.number_input]
    assert "Holds per set" in labels and "Relax (s)" in labels and "Lift (s)" not in labels
