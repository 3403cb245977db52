"""Shared pieces of the saved-data pages: the store, this session's open workspace, pickers, band pills."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import streamlit as st

from screening.outputs.group import result_row
from screening.core.result import TEST_LABELS, Result
from screening.core.vocab import BAND_COLOURS, BAND_WORD, BAND_WORDS, format_date
from screening.store.db import SAVING_ENV, SAVING_OFF, Profile, SavedScreening, Store, StoreError, Workspace, \
    default_db_path, saving_enabled
from screening.ui import safe, startup, state

OFF_TEXT = (f"**{SAVING_OFF}.** This is a public demo link, so nothing can be saved here: no workspaces, "
            "profiles or workshop sessions. Screening itself works as usual, and you can download your "
            "results from the results page. To keep your history, run KneeScreen on your own computer.")
BAND_BY_WORD = {word: band for band, word in BAND_WORDS.items()}
DAMAGED = "damaged record: cannot be shown"


@st.cache_resource(show_spinner=False)
def _announce(on: bool) -> bool:
    """Say once per server process, in its log, whether saving is on."""
    print(f"KneeScreen: saving is {'ON: workspaces are stored in ' + str(default_db_path()) if on else 'OFF'} "
          f"({SAVING_ENV}={os.environ.get(SAVING_ENV, '') or 'unset'})", file=sys.stderr, flush=True)
    return on


def check_saving_setting() -> None:
    """Every run: an unclear KNEESCREEN_SAVING stops the app with a sentence; the first one sweeps (startup)."""
    try:
        startup.sweep_once(_announce(saving_enabled()), store)
    except StoreError as e:
        st.error(f"This server is set up wrongly: {safe.md(e)}", icon=":material/settings:")
        st.stop()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The database this server uses (KNEESCREEN_DB, else the user data folder), opened once per process."""
    return _store(str(default_db_path()))


def workspace() -> Workspace | None:
    """The workspace open in this browser session (never shared with another session)."""
    return st.session_state.get(state.WORKSPACE)


def notice(level: str, text: str) -> None:
    st.session_state[state.WS_NOTICE] = (level, text)


def show_notice() -> None:
    """The pending notice, once, in a slot kept on every run (one that came and went moved the text boxes
    below, which the browser then made anew, dropping what was being typed: issue 19)."""
    slot, (level, text) = st.empty(), st.session_state.pop(state.WS_NOTICE, (None, ""))
    if level:
        {"success": slot.success, "error": slot.error, "warning": slot.warning}.get(level, slot.info)(text)


def _forget() -> None:
    for key in (state.WORKSPACE, state.NEW_KEY, state.PROFILE, state.SAVED_AS, state.WORKSHOP,
                state.WORKSHOP_FILES):
        st.session_state.pop(key, None)


def open_with_key(key: str) -> Workspace:
    """Open a workspace by its secret key for this session only; raises StoreError for a wrong key."""
    ws = store().open_workspace(key)
    _forget()
    st.session_state[state.WORKSPACE] = ws
    return ws


def close() -> None:
    """Close the workspace in this session (the data stays, reachable again with the key)."""
    _forget()


def handle_key_param() -> bool:
    """A bookmarked `?key=...` link: open that workspace once, then take the key out of the address bar so it
    does not end up in screenshots or shared links. True when the link carried a key."""
    if "key" not in st.query_params:
        return False
    key = st.query_params.get("key", "")
    del st.query_params["key"]
    if not saving_enabled():        # the saved-data pages say so themselves
        return True
    try:
        open_with_key(key)
        notice("success", "Your workspace is open. The key was taken out of the address bar; keep using "
                          "your bookmark or saved key to come back.")
    except StoreError as e:
        notice("error", f"The link did not open a workspace: {safe.md(e)}")
    return True


def link(key: str, label: str, icon: str) -> None:
    """A link to one of the registered pages (plain text when the page is rendered on its own)."""
    page = state.page(key)
    if page is not None:
        st.page_link(page, label=label, icon=icon)
    else:
        st.markdown(f"*{label}*")


def link_to_workspace(label: str = "Open or create your workspace in My screenings") -> None:
    link(state.WORKSPACE_PAGE, label, ":material/folder_shared:")


def gate(title: str, intro: str = "") -> Workspace | None:
    """Page title, then the open workspace, or (returning None) why this page cannot be used yet."""
    st.title(title)
    if intro:
        st.caption(intro)
    if not saving_enabled():
        st.info(OFF_TEXT, icon=":material/cloud_off:")
        return None
    show_notice()
    ws = workspace()
    if ws is None:
        st.info("Saved screenings live in a private workspace that only its key opens. Open yours (or create "
                "one) first.", icon=":material/lock:")
        link_to_workspace()
    return ws


def pill(band: str | None, text: str | None = None) -> str:
    """A band as the results page shows it: the word on its colour."""
    return (f'<span style="background:{BAND_COLOURS[band]};color:#fff;padding:0.1rem 0.6rem;border-radius:1rem;'
            f'font-size:0.85rem;font-weight:700;letter-spacing:0.03em;white-space:nowrap">'
            f'{text or BAND_WORD[band]}</span>')


def band_style(value) -> str:
    """pandas Styler cell style for a band word (Typical / Watch / Marked / Not rated)."""
    band = BAND_BY_WORD.get(value, "none")
    if band == "none":
        return ""
    return f"background-color: {BAND_COLOURS[band]}; color: #ffffff; font-weight: 600"


def styled(rows: list[dict], band_columns: list[str]):
    """A table with its band columns coloured like the verdict cards."""
    import pandas as pd
    df = pd.DataFrame(rows)
    cols = [c for c in band_columns if c in df.columns]
    return df.style.map(band_style, subset=cols) if cols and len(df) else df


def describe(s: SavedScreening | Result) -> str:
    """One line naming a saved screening: date, test, and each leg's band."""
    r = s.result if isinstance(s, SavedScreening) else s
    created = s.created or (r.created if r else "")
    if r is None:
        return f"{format_date(created)} · damaged record"
    legs = " / ".join(f"{leg[0].upper()} {BAND_WORDS[x.band].lower()}" for leg, x in r.legs.items())
    test = TEST_LABELS.get(r.test, r.test) + (f" ({r.leg} leg)" if r.leg else "")
    return f"{format_date(created)} · {test}" + (f" · {legs}" if legs else "")


def screening_rows(items: list[SavedScreening]) -> list[dict]:
    """The table of a profile's screenings: date, test, left/right bands and key numbers, capture problems."""
    rows = []
    for s in reversed(items):       # newest first
        row = result_row(s.result)
        rows.append({"Date": format_date(s.created), "Test": row["test"] or DAMAGED, "Left": row["left_band"],
                     "Right": row["right_band"],
                     "Left key number": f"{row['left_measure']}: {row['left_value']}" if row["left_value"] else "",
                     "Right key number": f"{row['right_measure']}: {row['right_value']}" if row["right_value"]
                     else "",
                     "Video kept": "yes" if s.video else "no", "Capture problems": row["capture_problems"] or "none"})
    return rows


def profile_picker(ws: Workspace, key: str, label: str = "Athlete profile") -> Profile | None:
    """Choose one of the workspace's profiles (the choice is remembered across the saved-data pages)."""
    profiles = ws.profiles()
    if not profiles:
        return None
    ids, names = [p.id for p in profiles], {p.id: p.name for p in profiles}
    current = st.session_state.get(state.PROFILE)
    pick = st.selectbox(label, ids, index=ids.index(current) if current in ids else 0, key=key,
                        format_func=lambda i: names.get(i, ""))
    st.session_state[state.PROFILE] = pick
    return next(p for p in profiles if p.id == pick)


def chosen_profile_screenings(title: str, intro: str, key: str
                              ) -> tuple[Workspace, Profile, list[SavedScreening]] | None:
    """The page gate, then the profile picker and that profile's screenings; None when there is nothing
    to show yet (the reason is on the page)."""
    ws = gate(title, intro)
    if ws is None:
        return None
    try:
        profile = profile_picker(ws, key)
        if profile is None:
            st.info("No athlete profiles yet: save a screening from the results page first.")
            link_to_workspace("Go to My screenings")
            return None
        items = ws.screenings(profile.id)
        damaged_note(items)
        return ws, profile, [s for s in items if s.result is not None]
    except StoreError as e:
        st.error(safe.md(e))
        return None


def damaged_note(items: list[SavedScreening]) -> None:
    """Say which saved screenings cannot be read (they are left out here; My screenings can delete them)."""
    bad = [s for s in items if s.result is None]
    if bad:
        st.warning(f"{len(bad)} saved screening{'s are' if len(bad) != 1 else ' is'} damaged and left out "
                   f"({safe.md(bad[0].damaged)}). Delete {'them' if len(bad) != 1 else 'it'} in My screenings.",
                   icon=":material/report:")


def save_outputs(ws: Workspace, profile_id: str, out: state.Outputs, keep_video: bool) -> str:
    """Save an analysis (its Result and stills; the annotated video only when asked) under a profile. The
    in-memory files go through a private temp folder that is deleted straight after."""
    tmp = Path(tempfile.mkdtemp(prefix="kneescreen-save-"))
    try:
        video = None
        if keep_video and out.video:
            video = tmp / "annotated.mp4"
            video.write_bytes(out.video)
        frames = []
        for i, (label, png) in enumerate(out.keyframes):
            path = tmp / f"still_{i:02d}.png"
            path.write_bytes(png)
            frames.append((label, path))
        return ws.save_screening(profile_id, out.result, video, frames)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


NEW_PROFILE = "__new__"


def save_panel(out: state.Outputs) -> None:
    """'Save this screening' on the results page: a real result, an open workspace, and a click."""
    if out.result.example:
        return
    with st.container(border=True, key="save-panel"):
        st.markdown("#### Save this screening")
        if not saving_enabled():
            st.caption(f"{SAVING_OFF}: download what you want to keep.")
            return
        ws = workspace()
        if ws is None:
            st.markdown("To follow your progress over time, open your private workspace (or create one) in "
                        "**My screenings**, then come back here. Nothing is saved unless you press Save.")
            link_to_workspace("Go to My screenings")
            return
        done = st.session_state.get(state.SAVED_AS)
        if done and done["out"] is out:
            st.success(f"Saved under **{safe.md(done['profile'])}**.", icon=":material/check_circle:")
            c1, c2 = st.columns(2)
            with c1:
                link(state.PROGRESS_PAGE, "See your progress", ":material/show_chart:")
            with c2:
                link(state.COMPARE_PAGE, "Compare two screenings", ":material/compare:")
            return
        try:
            profiles = ws.profiles()
        except StoreError as e:
            st.error(safe.md(e))
            return
        names = {p.id: p.name for p in profiles}
        ids = [p.id for p in profiles] + [NEW_PROFILE]
        current = st.session_state.get(state.PROFILE)
        pick = st.selectbox("Athlete profile", ids, index=ids.index(current) if current in ids else 0,
                            key="save_profile", format_func=lambda i: names.get(i, "New profile…"))
        name = st.text_input("Name of the new profile", key="save_new_name", placeholder="e.g. your first name",
                             max_chars=120) if pick == NEW_PROFILE else ""
        keep_video = st.checkbox("Also keep the annotated video", value=False, key="save_video",
                                 disabled=not out.video,
                                 help=None if out.video else "No annotated video was made for this analysis.")
        st.caption(":material/lock: Saved in your private workspace on this server: the results and the stills "
                   "of the measured moments, plus the video only if ticked. Delete them any time in My screenings.")
        if st.button("Save this screening", type="primary", key="save_btn", icon=":material/save:"):
            try:
                profile = ws.create_profile(name) if pick == NEW_PROFILE else ws.profile(pick)
                sid = save_outputs(ws, profile.id, out, keep_video)
            except StoreError as e:
                st.error(safe.md(e))
                return
            st.session_state[state.PROFILE] = profile.id
            st.session_state[state.SAVED_AS] = {"out": out, "profile": profile.name, "id": sid}
            st.rerun()
