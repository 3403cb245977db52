"""The guided screening flow: home, choose the test, filming guide, upload and analyse."""
from __future__ import annotations

import traceback

import streamlit as st

from screening.engine.models import REGISTRY, TIERS, is_available
from screening.engine.norms import norm_for
from screening.core.result import TEST_LABELS, TESTS
from screening.core.specs import SPECS
from screening.outputs.content import SPORTS
from screening.ui import analysis, guide, state
from screening.ui.results import example_outputs

TEST_BLURB = {"squat": "Both legs at once: 3–5 slow squats.",
              "single-leg-squat": "One leg at a time: 5 slow squats on each leg.",
              "drop-jump": "Drop off a low box, land, jump straight up: 3 landings.",
              "clamshell": "Lying on your side: 3–5 slow clamshells. Does your pelvis roll back as the knee opens?"}
COUNT_WORDS = {3: "Three", 4: "Four", 5: "Five"}
SEX_LABELS = {"female": "Female", "male": "Male", None: "Prefer not to say"}
LEG_LABELS = {None: "Both, or find it from the video", "left": "Left leg only", "right": "Right leg only"}
STEP_TITLES = {"choose": "Choose the test", "guide": "How to film", "upload": "Upload and analyse"}
UPLOAD_BUTTON = "Upload"     # the file uploader's button, as Streamlit labels it (checked in Chromium)
PRIVACY = ("Your video is analysed on this machine and is not sent anywhere. It is deleted as soon as the "
           "analysis is done, and nothing is kept unless you download it or save it to your workspace.")
PRIVACY_CLUSTER = ("Your video is analysed on this service's own analysis computers (its cluster) and is not sent "
                   "anywhere else. It is deleted there as soon as the analysis is done, and nothing is kept unless "
                   "you download it or save it to your workspace.")


def privacy() -> str:
    """The privacy note: where the video is analysed (this machine, or the service's cluster)."""
    return PRIVACY_CLUSTER if analysis.on_cluster() else PRIVACY


def sex_note(test: str) -> str:
    """Why the app asks for sex, in plain words, with the typical knee angles it changes (from engine.norms)."""
    women, men = (norm_for("fppa", test, sex) for sex in ("female", "male"))
    if SPECS[test].experimental:
        return ("Why we ask: it changes only the drop-jump landing's result. This test is experimental: no "
                "validated norm exists, so it is rated by a rule of thumb, the same for everyone.")
    if women is None or men is None or women.watch == men.watch:
        return ("Why we ask: for this test the typical knee angle is the same for women and men, so this only "
                "changes the result of the drop-jump landing.")
    return (f"Why we ask: when landing, a knee angle of up to {women.watch:.0f}° is typical for women and up to "
            f"{men.watch:.0f}° for men, so your result is compared with your group. Not given: the women's "
            "(wider) range is used.")


def _show_example() -> None:
    state.put(state.OUTPUTS, example_outputs(state.get(state.SEX), state.get(state.SPORT)))
    st.switch_page(state.page(state.RESULTS_PAGE) or "app.py")


def _steps_bar(step: str) -> None:
    names = list(STEP_TITLES)
    n = names.index(step) + 1
    st.progress(n / len(names), text=f"Step {n} of {len(names)}: {STEP_TITLES[step]}")


def _nav(back: str | None, forward: str | None, forward_label: str = "Next") -> None:
    cols = st.columns(2)
    if back:
        cols[0].button("Back", key=f"back_{back}", on_click=state.go, args=(back,), icon=":material/arrow_back:",
                       width="stretch")
    if forward:
        cols[1].button(forward_label, key=f"next_{forward}", on_click=state.go, args=(forward,), type="primary",
                       icon=":material/arrow_forward:", icon_position="right", width="stretch")


def home() -> None:
    st.title("KneeScreen")
    st.markdown("##### Do your knees cave in when you squat or land?")
    st.markdown("Film a squat, a single-leg squat or a drop-jump landing with your phone. KneeScreen measures "
                "whether your knees move inward (dynamic knee valgus) and your arches collapse, and tells you "
                "which exercises to start with. Or film a clamshell: does your pelvis roll back as the knee "
                "opens? (experimental)")
    c1, c2 = st.columns(2)
    c1.button("Start screening", type="primary", key="start", on_click=state.go, args=("choose",),
              icon=":material/videocam:", width="stretch")
    if c2.button("See an example result", key="example", icon=":material/insights:", width="stretch"):
        _show_example()
    st.caption(f":material/lock: {privacy()}")
    st.subheader(f"{COUNT_WORDS.get(len(TESTS), len(TESTS))} tests to choose from")
    cols = st.columns(len(TESTS))
    for col, test in zip(cols, TESTS):
        with col.container(border=True, key=f"home-test-{test}"):
            guide.show(guide.movement(test))
            st.markdown(f"**{TEST_LABELS[test]}**")
            st.caption(TEST_BLURB[test])
    st.caption(":material/health_and_safety: Movement feedback, not a diagnosis: it cannot tell you whether "
               "you will be injured. See a physiotherapist for pain or after an injury.")


def choose() -> None:
    _steps_bar("choose")
    st.header("Which test?")
    test = st.radio("Test", TESTS, index=TESTS.index(state.get(state.TEST)), key="w_test",
                    format_func=TEST_LABELS.get, captions=[TEST_BLURB[t] for t in TESTS],
                    label_visibility="collapsed")
    state.put(state.TEST, test)
    if SPECS[test].single_leg and SPECS[test].posture == "side-lying":
        st.caption(f"KneeScreen finds your {SPECS[test].leg_role} from the video. Check one side per video; "
                   "lie on the other side in a second video.")
    elif SPECS[test].stance_found:
        legs = [None, "left", "right"]
        leg = st.radio("Which leg will you stand on?", legs, index=legs.index(state.get(state.LEG)),
                       format_func=LEG_LABELS.get, key="w_leg", horizontal=True)
        state.put(state.LEG, leg)
        st.caption("One video can hold both legs: 5 squats on each leg, in either order. The standing leg of "
                   "every repetition is found from the video; choosing one leg only checks that it was filmed.")
    st.subheader("About you (optional)")
    sexes = ["female", "male", None]
    sex = st.radio("Sex", sexes, index=sexes.index(state.get(state.SEX)), format_func=SEX_LABELS.get,
                   key="w_sex", horizontal=True)
    state.put(state.SEX, sex)
    st.caption(sex_note(test))
    sports = [None] + list(SPORTS)
    current = state.get(state.SPORT)
    sport = st.selectbox("Your sport, to tailor the examples", sports,
                         index=sports.index(current) if current in sports else 0,
                         format_func=lambda k: "No sport / skip" if k is None else SPORTS[k], key="w_sport")
    state.put(state.SPORT, sport)
    _nav("home", "guide", "Show me how to film")


def film_guide() -> None:
    _steps_bar("guide")
    test, leg = state.get(state.TEST), state.get(state.LEG)
    st.header(f"How to film the {TEST_LABELS[test].lower()}")
    guide.render(test, leg if SPECS[test].single_leg and SPECS[test].posture == "standing" else None)
    st.caption("Tip: start recording, step back into place, do the movement, then stop. Extra seconds at the "
               "start and end are fine.")
    _nav("choose", "upload", "I have my video")


def _model_choice() -> str:
    what = {"lite": "fast, built in, works offline", "full": "more accurate, slower",
            "heavy": "most accurate, slowest"}

    def label(t: str) -> str:
        have = "ready" if is_available(t) else f"{REGISTRY[t].size / 1e6:.0f} MB download"
        return f"{t.capitalize()} ({what.get(t, '')}; {have})"
    tiers = list(TIERS)
    tier = st.radio("Pose model", tiers, index=tiers.index(state.get(state.MODEL)), format_func=label,
                    key="w_model", help="The model that finds your joints in each frame. 'Lite' is built in; "
                    "the others are downloaded once and kept on this machine.")
    state.put(state.MODEL, tier)
    if tier != "lite" and not is_available(tier):
        st.caption(f"The '{tier}' model is not on this machine yet. It is downloaded when you press Analyse, "
                   "or now:")
        if st.button(f"Download the '{tier}' model now", key="download_model", icon=":material/download:"):
            try:
                use, note = analysis.ensure_model(tier, st.container())
            except analysis.AnalysisError as e:   # not even the built-in model: a broken install
                use, note = None, f"{e} {e.fix}"
            if use is None or note:
                st.warning(f"{note} Analyses will use the built-in 'lite' model until the download works.",
                           icon=":material/wifi_off:")
            else:
                st.success(f"The '{use.resolved.tier}' model is ready.")
    return tier


def _show_error() -> None:
    notice = state.get(state.NOTICE)
    if notice.pop("cancelled", None):
        state.put(state.ERROR, {"message": "The analysis was stopped.", "fix": "Press Analyse to start again.",
                                "code": "cancelled"})
    err = state.get(state.ERROR)
    if not err:
        return
    box = st.container(key="analysis-error")
    if err.get("code") == "cancelled":
        box.info(f"**{err['message']}** {err.get('fix', '')}")
        return
    box.error(f"**{err['message']}**" + (f"  \n**What to do:** {err['fix']}" if err.get("fix") else ""),
              icon=":material/error:")
    if err.get("details"):
        with box.expander("Technical details"):
            st.code(err["details"])
    box.caption("Your choices are kept: pick another video (or the same one after fixing it) and press "
                "Analyse again.")


def _clear_error() -> None:
    state.put(state.ERROR, None)


def upload() -> None:
    _steps_bar("upload")
    test, leg = state.get(state.TEST), state.get(state.LEG)
    what = TEST_LABELS[test] + (f", {leg} leg" if SPECS[test].single_leg and SPECS[test].posture == "standing"
                                and leg else "")
    st.header("Your video")
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.markdown(f"Test: **{what}**")
    c2.button("Change", key="change", on_click=state.go, args=("choose",), width="stretch")
    f = st.file_uploader(f"Video (mp4, mov, webm, avi or m4v; up to {analysis.MAX_UPLOAD_MB} MB and 3 minutes)",
                         type=analysis.VIDEO_TYPES, key="upload", max_upload_size=analysis.MAX_UPLOAD_MB,
                         on_change=_clear_error)
    st.caption(f":material/smartphone: On a phone, tapping *{UPLOAD_BUTTON}* also offers **Record video** (or "
               "*Camera*), so you can film right now.")
    with st.expander("Pose model", icon=":material/tune:"):
        tier = _model_choice()
    _show_error()
    go = st.button("Analyse my video", type="primary", key="analyse", disabled=f is None,
                   icon=":material/play_arrow:", width="stretch")
    st.caption(f":material/lock: {privacy()}")
    if go and f is not None:
        analyse(f, tier)


def analyse(f, tier: str) -> None:
    """Run the analysis with live progress, then open the results (or show what to fix).

    Leaving the page, pressing Cancel or closing the tab stops it: Streamlit then has a rerun (or stop)
    pending, which the pipeline sees through should_cancel. From that moment no Streamlit call (not even
    st.session_state) may be made until the pipeline has stopped, so the note for the next run goes into a
    dict fetched beforehand."""
    state.put(state.ERROR, None)
    notice = state.get(state.NOTICE)
    test, leg, sex, sport = (state.get(k) for k in (state.TEST, state.LEG, state.SEX, state.SPORT))
    # Filled through box.<element>, never `with box:`: leaving an st.status block marks it complete (a tick
    # while the analysis still runs, issue 19); box.update below says when it is done.
    box = st.status("Analysing your video…", expanded=True)
    box.button("Cancel", key="cancel_run", icon=":material/stop:")
    box.caption("Leaving this page also stops the analysis.")
    ui = analysis.ProgressUI(box)
    error = None
    try:
        use, note = analysis.ensure_model(tier, box)
        if note:
            box.warning(note)
        out = analysis.run(f, test=test, leg=leg, sex=sex, sport=sport, model=use, progress=ui,
                           should_cancel=ui.should_cancel)
    except analysis.Cancelled:
        notice["cancelled"] = True
        if ui.interrupt is not None:
            raise ui.interrupt from None
        return  # the rerun (the click or page change that stopped us) happens as soon as this run ends
    except analysis.AnalysisError as e:
        error = {"message": str(e), "fix": getattr(e, "fix", ""), "code": getattr(e, "code", "")}
    except Exception as e:  # noqa: BLE001 - show a message, never a bare traceback
        if ui.stopped:
            notice["cancelled"] = True
            return
        error = {"message": f"The analysis failed unexpectedly ({type(e).__name__}: {e}).",
                 "fix": "Try another video, or the 'lite' pose model. If it keeps failing, please report it "
                        "with the technical details.", "code": "unexpected", "details": traceback.format_exc(limit=8)}
    if ui.interrupt is not None:
        raise ui.interrupt
    if error is None:
        state.put(state.OUTPUTS, out)
        box.update(label="Done", state="complete", expanded=False)
        st.switch_page(state.page(state.RESULTS_PAGE) or "app.py")
    state.put(state.ERROR, error)
    box.update(label="The video could not be analysed", state="error", expanded=False)
    st.rerun()


def page() -> None:
    """The Screen page (the app's home)."""
    state.init()
    step = state.get(state.STEP)
    with st.container(key=f"step-{step}"):   # a fresh block per step: no leftovers from the last step
        {"home": home, "choose": choose, "guide": film_guide, "upload": upload}.get(step, home)()
