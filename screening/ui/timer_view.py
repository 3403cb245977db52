"""The rep-and-hold timer widget on the exercise pages: editable settings, a big phase display and sound cues."""
from __future__ import annotations

import streamlit as st

from screening.outputs import content
from screening.ui.cues import cue_wav
from screening.ui.timer import RepTimer, TimerConfig, TimerState

PHASE_STYLE = {  # phase -> (label, colour, what to do)
    "lift": ("LIFT", "#17784A", "Lift the knee, breathe out"),
    "hold": ("HOLD", "#1D5FBF", "Hold still"),
    "lower": ("LOWER", "#B45309", "Lower slowly, breathe in"),
    "relax": ("RELAX", "#B45309", "Let go fully, breathe"),
    "rest": ("REST", "#52606D", "Rest, shake it out"),
    "switch": ("SWITCH SIDES", "#7C3AED", "Turn over / change legs"),
    "done": ("DONE", "#17784A", "All sets done. Well done!"),
}
SIDE_NAMES = ("left", "right")


def phase_name(state: TimerState, hold_only: bool) -> str:
    """The phase as shown and sounded: in a hold-only timer the 'lower' part is a relax pause."""
    return "relax" if hold_only and state.phase == "lower" else state.phase


def settings(block: content.Block, key: str) -> tuple[TimerConfig, bool, bool]:
    """(config, hold_only, sound on) from the inputs, seeded by the marker's parameters."""
    hold_only, seed = block.params.get("mode") == "hold", TimerConfig.from_params(block.params)
    c1, c2, c3 = st.columns(3)
    sets = c1.number_input("Sets", 1, 10, min(seed.sets, 10), key=f"{key}-sets")
    reps = c2.number_input("Holds per set" if hold_only else "Reps per set", 1, 50, min(seed.reps, 50),
                           key=f"{key}-reps")
    hold = c3.number_input("Hold (s)", 0, 120, min(int(seed.hold_s), 120), key=f"{key}-hold")
    c4, c5, c6 = st.columns(3)
    lift = 0 if hold_only else c4.number_input("Lift (s)", 0, 10, min(int(seed.lift_s), 10), key=f"{key}-lift")
    lower = c5.number_input("Relax (s)" if hold_only else "Lower (s)", 0, 30, min(int(seed.lower_s), 30),
                            key=f"{key}-lower")
    rest = c6.number_input("Rest between sets (s)", 0, 300, min(int(seed.rest_s), 300), key=f"{key}-rest")
    c7, c8 = st.columns(2)
    both = c7.toggle("Both sides (left, then right)", value=seed.sides == 2, key=f"{key}-sides")
    sound = c8.toggle("Sound cues", value=True, key=f"{key}-sound",
                      help="A beep at every phase, so you can follow without looking at the screen.")
    if hold + lift + lower <= 0:
        st.warning("A repetition needs at least one second: the hold is set to 1 s.")
        hold = 1
    config = TimerConfig(sets=int(sets), reps=int(reps), hold_s=float(hold), lift_s=float(lift),
                         lower_s=float(lower), rest_s=float(rest), sides=2 if both else 1)
    return config, hold_only, sound


def timer_widget(block: content.Block, slug: str) -> None:
    """Settings, then the live timer (a fragment that refreshes itself while it runs)."""
    source = block.params.get("from", "")
    key = f"{slug}-{source}-timer" if source else f"{slug}-timer"   # a page may run other pages' timers
    with st.container(border=True):
        if source:
            st.markdown(f"**{content.get_page(source).title}**")
        config, hold_only, sound = settings(block, key)
        timer: RepTimer = st.session_state.setdefault(key, RepTimer(config))
        if timer.config != config:
            timer.configure(config)
        state = timer.state()
        live = state.running and state.phase != "done"
        st.fragment(_view, run_every=0.5 if live else None)(key, live, hold_only, sound)


def _cue(key: str, state: TimerState, phase: str) -> None:
    """Play the phase's beep once when the phase changes (the same file is kept until the next change)."""
    ident = (state.side, state.set, state.rep, phase)
    last = st.session_state.get(f"{key}-cue")
    count = st.session_state.get(f"{key}-cue-n", 0)
    if last != ident:
        count += 1
        st.session_state[f"{key}-cue"], st.session_state[f"{key}-cue-n"] = ident, count
    with st.container(key=f"{key}-audio"):  # the player is hidden: only the beep matters
        st.html(f"<style>.st-key-{key}-audio {{display: none}}</style>")
        st.audio(cue_wav(phase, count), format="audio/wav", autoplay=True)


def _view(key: str, was_live: bool, hold_only: bool, sound: bool) -> None:
    timer: RepTimer = st.session_state[key]
    state, cfg = timer.state(), timer.config
    phase = phase_name(state, hold_only)
    label, colour, hint = PHASE_STYLE[phase]
    if not state.started:
        label, colour, hint = "READY", "#52606D", "Press start, then follow the beeps"
    number = state.whole_seconds_left if state.started else ""
    side = f"{SIDE_NAMES[state.side - 1].capitalize()} side · " if cfg.sides == 2 else ""
    st.html(
        f'<div style="text-align:center;padding:8px;border-radius:14px;background:{colour};color:#fff">'
        f'<div style="font-size:1.1rem">{side}Set {state.set} of {cfg.sets} · '
        f'{"Hold" if hold_only else "Rep"} {state.rep} of {cfg.reps}</div>'
        f'<div style="font-size:2.2rem;font-weight:700;letter-spacing:.08em">{label}</div>'
        f'<div style="font-size:4.5rem;font-weight:800;line-height:1">{number}</div>'
        f'<div style="font-size:1rem">{hint}</div></div>'
    )
    if sound and state.started:
        _cue(key, state, phase)
    if sound:
        st.caption(":material/volume_up: A beep marks every phase: turn the volume up and put the phone down.")
    st.progress(state.progress, text=f"{int(state.elapsed)} s of {int(cfg.total_s)} s")
    row = st.container(horizontal=True, gap="small")
    if not state.running and state.phase != "done":
        if row.button("Resume" if state.started else "Start", key=f"{key}-go", type="primary",
                      icon=":material/play_arrow:", width="stretch"):
            timer.resume() if state.started else timer.start()
            st.rerun()
    elif state.running and row.button("Pause", key=f"{key}-pause", icon=":material/pause:", width="stretch"):
        timer.pause()
        st.rerun()
    if row.button("Reset", key=f"{key}-reset", icon=":material/restart_alt:", width="stretch"):
        timer.reset()
        st.session_state.pop(f"{key}-cue", None)
        st.rerun()
    if was_live and not state.running:  # just finished: stop the auto-refresh
        st.rerun()
