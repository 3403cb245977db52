"""The Live page: the device camera over WebRTC, a framing coach, recording into the normal analysis, a live mirror."""
from __future__ import annotations

import io
import logging
import time
import wave
from pathlib import Path

import av
import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from screening.engine.pose import load_model
from screening.live.clamshell import Top
from screening.live.mirror import Bottom
from screening.live.session import LiveSession, Plan
from screening.core.result import TEST_LABELS, TESTS
from screening.core.specs import SPECS
from screening.core.vocab import signed
from screening.ui import analysis, live_reaper, screen, startup, state
from screening.ui.live_ice import ice_servers
from screening.ui.live_words import rates_words, recording_words

log = logging.getLogger(__name__)

LIVE = "_live_session"               # (settings, LiveSession) of this browser session
CLIP = "_live_clip"                  # the finished recording waiting for its analysis
CUES = "_live_cues_heard"
CAMERA = "_live_camera_on"           # the camera is wanted on (the app's own Start/Stop buttons)
FACING = {"user": "Front (selfie)", "environment": "Back"}
PRIVACY = ("Video from your camera is processed on this server, frame by frame, and is not kept. A recording "
           "lives only in a private temporary folder on this server until its analysis is done, then it is "
           "deleted, like an uploaded video.")
PRIVACY_CLUSTER = ("The recording's analysis runs on this service's own analysis computers (its cluster), where it "
                   "is deleted as soon as the analysis is done.")


def beep(hz: float = 880.0, seconds: float = 0.15, rate: int = 16000) -> bytes:
    """A short sine tone as WAV bytes (the knee-inside cue)."""
    n = int(rate * seconds)
    tone = np.sin(2 * np.pi * hz * np.arange(n) / rate) * np.hanning(n) * 0.5
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((tone * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def _session(settings: tuple, plan: Plan) -> LiveSession:
    """This browser session's LiveSession, new when the test or mode changed (its folder is private). Its
    folder and pose models are released when it is replaced or when the browser session ends (live_reaper)."""
    held = st.session_state.get(LIVE)
    if held is not None and held[0] == settings and not held[1].closed:
        return held[1]
    test, leg, sex, mirror = settings
    model = load_model("lite").data
    ctx = get_script_run_ctx()
    workdir = live_reaper.new_workdir(ctx.session_id if ctx else "")
    standing = SPECS[test].single_leg and SPECS[test].posture == "standing"
    live = LiveSession(model, workdir, test=test, sex=sex, stance=leg if standing else None,
                       mirror=mirror, plan=plan)
    live_reaper.attach(workdir, live)
    if held is not None:
        live_reaper.finish(held[1].workdir)
    st.session_state[LIVE] = (settings, live)
    return live


def _callback(live: LiveSession):
    """The frames' handler for this session. Made anew at every page run, so it keeps no state of its own:
    the clock lives in the session (a clock made here restarted the time stamps at every rerun)."""
    async def frames_in(frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
        batch = []
        for f in frames:
            t = live.clock.seconds(f.pts, f.time_base)
            batch.append((f.to_ndarray(format="bgr24"), t if t is not None else time.monotonic() - live.started))
        try:
            out = live.process(batch)
        except Exception:  # noqa: BLE001 - keep the video running; the log has the details
            log.exception("live processing failed")
            out = batch[-1][0]
        return [av.VideoFrame.from_ndarray(out, format="bgr24")]
    return frames_in


def _settings() -> tuple[tuple, Plan]:
    c1, c2, c3 = st.columns(3)
    test = c1.radio("Test", TESTS, index=TESTS.index(state.get(state.TEST)), format_func=TEST_LABELS.get,
                    key="live_test")
    state.put(state.TEST, test)
    leg = state.get(state.LEG)
    spec = SPECS[test]
    lying = spec.posture == "side-lying"
    if spec.stance_found:
        legs = [None, "left", "right"]
        leg = c1.radio("Stance leg", legs, index=legs.index(leg) if leg in legs else 0, horizontal=True,
                       format_func=lambda s: f"{s.capitalize()} leg" if s else "Either (counted per leg)",
                       key="live_leg")
        state.put(state.LEG, leg)
    mirror = c2.toggle("Live mirror", key="live_mirror", disabled=not spec.live_feedback,
                       help=("Counts openings and shows an opening gauge and each top's opening and hip stack; a "
                             "beep and a red frame when the pelvis rolls back (experimental)." if lying else
                             "Counts repetitions and shows the knee angle and knee-over-foot at each bottom; "
                             "a beep and a red frame when a knee moves inside the foot line.")) and spec.live_feedback
    auto = c2.checkbox("Auto-start on Ready", value=True, key="live_auto",
                       help="Recording starts once the coach has said Ready for a second while you stand; "
                            "or press Start recording now.")
    reps = c3.number_input("Stop after repetitions", 1, 10, 3, key="live_reps") if spec.live_feedback else 0
    max_s = c3.slider("Or after seconds", 5, 60, spec.live_max_s, key="live_max_s")
    return (test, leg, state.get(state.SEX), mirror), Plan(int(reps), float(max_s), bool(auto))


@st.fragment(run_every=0.5)
def _panel(live: LiveSession) -> None:
    startup.freeze_imports()      # reruns twice a second, each followed by a full collection (startup.py)
    s = live.snapshot()
    with st.container(key="live-coach-ready" if s.advice.ready else "live-coach-fix"):
        st.markdown(f"## {':material/check_circle:' if s.advice.ready else ':material/warning:'} {s.advice.text}")
        st.caption(s.advice.fix + (f" ({s.advice.detail})" if s.advice.detail else ""))
    per_leg = (f" · repetitions seen: left leg {s.per_leg.get('left', 0)}, right leg {s.per_leg.get('right', 0)}"
               if s.per_leg else "")
    spec = SPECS[live.test]
    st.markdown(f"**{recording_words(s, live.plan, spec.live_feedback, spec.posture == 'side-lying')}**{per_leg}")
    st.caption(rates_words(s), help="The pose model runs on the newest frame; frames that arrive while it is "
               "busy are recorded but not measured, so the picture never falls behind.")
    c1, c2 = st.columns(2)
    if s.state in ("idle", "done"):
        if c1.button("Record when ready", icon=":material/radio_button_checked:", key="live_arm", width="stretch"):
            live.arm()
    if s.state in ("idle", "armed"):
        if c2.button("Start recording now", icon=":material/fiber_manual_record:", key="live_now", width="stretch"):
            live.start_now()
    if s.state in ("armed", "recording"):
        if c1.button("Stop recording", icon=":material/stop:", key="live_stop", width="stretch"):
            live.stop()
    tops = [b for b in s.bottoms if isinstance(b, Top)]
    if live.mirror and tops:
        st.table([{"Rep": b.index, "At (s)": f"{b.t:.1f}", "Opening": f"{b.opening:.0f} deg",
                   "Hip line": "n/a" if b.roll is None else
                   f"{abs(b.roll):.0f}% {'shorter' if b.roll >= 0 else 'longer'}"
                   + (" (rolled back)" if b.rolled else "")} for b in tops[-5:]])
    bottoms = [b for b in s.bottoms if isinstance(b, Bottom)]
    if live.mirror and bottoms:
        st.table([{"Rep": b.index, "At (s)": f"{b.t:.1f}", **({"Leg": next(iter(b.fppa))} if live.either else {}),
                   **{f"Knee angle {sd}": "n/a" if b.fppa[sd] is None else f"{signed(b.fppa[sd])} deg"
                      for sd in b.fppa},
                   **{f"Knee over foot {sd}": "n/a" if v is None else
                      f"{abs(v):.0f}% {'in' if v > 0 else 'out'}" + (" (inside)" if b.inside[sd] else "")
                      for sd, v in b.mkd.items()}} for b in bottoms[-5:]])
    if live.mirror and s.cues > st.session_state.get(CUES, 0):
        st.session_state[CUES] = s.cues
        st.audio(beep(660.0, 0.3) if live.lying else beep(), format="audio/wav", autoplay=True)
    if s.state == "done" and s.clip is not None and s.clip.is_file():
        counted = live.plan.reps and SPECS[live.test].live_feedback and s.counting
        st.session_state[state.LIVE_COUNT] = (s.clip.name, s.rec_reps if counted else None)
        st.session_state[CLIP] = (str(s.clip), live.workdir)
        st.session_state.pop(LIVE, None)
        live_reaper.close_models(live.workdir)          # the recording waits in its folder for the analysis
        st.rerun(scope="app")


def _analyse_clip() -> None:
    path, workdir = st.session_state.pop(CLIP)
    st.session_state[CAMERA] = False             # after the analysis (or its message) the camera stays off
    try:
        screen.analyse(Path(path), "lite")       # opens the results page, or reruns with the error
    finally:
        live_reaper.finish(Path(workdir))


def _set_camera(on: bool) -> None:
    st.session_state[CAMERA] = on


def _camera_buttons(on: bool) -> str:
    """Start/Stop in the app's own button style (the WebRTC component's are all-caps Material buttons, so
    they are hidden: desired_playing_state), and which camera of a phone to use; returns the facing mode."""
    c1, c2 = st.columns([1, 1], vertical_alignment="center")
    if on:
        c1.button("Stop camera", key="live_cam_stop", icon=":material/videocam_off:", on_click=_set_camera,
                  args=(False,), width="stretch")
    else:
        c1.button("Start camera", key="live_cam_start", icon=":material/videocam:", type="primary",
                  on_click=_set_camera, args=(True,), width="stretch")
    facing = c2.radio("Camera", list(FACING), format_func=FACING.get, horizontal=True, key="live_facing",
                      help="On a phone: the selfie camera lets you see yourself; the back one films better.")
    return facing or "user"


def _unavailable(e: Exception) -> None:
    log.warning("live camera unavailable: %s", e)
    st.error(f"The live camera could not start here ({type(e).__name__}). It needs the app served by "
             "`streamlit run app.py`; upload a video on *Screen my knees* instead.", icon=":material/error:")


def page() -> None:
    state.init()
    st.title("Live camera")
    st.caption(f":material/lock: {PRIVACY}" + (f" {PRIVACY_CLUSTER}" if analysis.on_cluster() else ""))
    if st.session_state.get(CLIP):
        _analyse_clip()
        return
    err = state.get(state.ERROR)
    if err:
        st.error(f"**{err['message']}**" + (f"  \n**What to do:** {err['fix']}" if err.get("fix") else ""),
                 icon=":material/error:")
    stage = st.container()          # camera and coach first (on a phone the settings come after them)
    with st.expander("Test and recording", icon=":material/tune:", expanded=True):
        settings, plan = _settings()
    try:   # the WebRTC component needs a running Streamlit server behind this script
        from streamlit_webrtc.session_info import get_this_session_info
        if get_this_session_info() is None:
            raise RuntimeError("no session")
    except Exception as e:  # noqa: BLE001 - e.g. AppTest: say so, and load no model for nothing
        with stage:
            _unavailable(e)
        return
    live = _session(settings, plan)
    live.plan = plan
    servers, problem = ice_servers()
    if problem:
        st.warning(f"{problem} Using no STUN/TURN server (fine on this computer or network).")
    from streamlit_webrtc import WebRtcMode, webrtc_streamer
    st.html("<style>.st-key-live-coach-ready{background:rgba(46,158,67,.14);border-radius:.6rem;padding:.3rem .8rem}"
            ".st-key-live-coach-fix{background:rgba(224,144,0,.16);border-radius:.6rem;padding:.3rem .8rem}</style>")
    left, right = stage.columns([3, 2])
    with left:
        on = bool(st.session_state.get(CAMERA, False))
        video = st.container()
        facing = _camera_buttons(on)
        try:
            with video:     # a new key per camera: switching cameras restarts the stream with the other one
                ctx = webrtc_streamer(
                    key=f"live-camera-{facing}", mode=WebRtcMode.SENDRECV, desired_playing_state=on,
                    queued_video_frames_callback=_callback(live), rtc_configuration={"iceServers": servers},
                    async_processing=True, media_toggle_controls=False,
                    media_stream_constraints={"video": {"width": {"ideal": 640}, "height": {"ideal": 360},
                                                        "frameRate": {"ideal": 30}, "facingMode": {"ideal": facing}},
                                              "audio": False},
                    video_html_attrs={"style": {"width": "100%"}, "autoPlay": True, "muted": True,
                                      "controls": False})
        except Exception as e:  # noqa: BLE001 - show a message, never a traceback
            _unavailable(e)
            return
    with right:
        if ctx.state.playing:
            _panel(live)
        elif on:
            st.info("Starting the camera… Allow it when the browser asks.", icon=":material/videocam:")
        else:
            st.info("Press **Start camera** and allow the camera. " + (
                "Put the phone on the floor, 1.5-3 m in front of your body, and lie on your side across the "
                "picture until the coach says **Ready**." if SPECS[settings[0]].posture == "side-lying" else
                "Prop the phone at knee-to-hip height, 2-4 m away, and step back until the coach says **Ready**."),
                icon=":material/videocam:")
    st.caption(":material/health_and_safety: Movement feedback, not a diagnosis. The recording is analysed "
               "exactly like an uploaded video.")
