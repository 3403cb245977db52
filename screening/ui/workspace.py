"""The My screenings page: create or open a private workspace, manage athlete profiles, export and import."""
from __future__ import annotations

import html
import re
import tempfile
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from screening.store.db import StoreError, Workspace, saving_enabled
from screening.ui import safe, saved, state

TITLE = "My screenings"
MAX_DOWNLOAD_BYTES = 500 * 1024 ** 2      # an export the app hands over (Streamlit keeps a download in memory)
WHAT = ("Save screenings under athlete profiles to follow progress over time. Everything saved lives in a "
        "workspace on this server that only its secret key opens in the app: other people using the app cannot "
        "see it. It is stored unencrypted, so whoever runs the server can read it (see About and privacy).")


def _bookmark(key: str) -> str:
    """The address of this page with ?key=..., to bookmark (relative when the server's address is unknown)."""
    try:
        url = str(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (e.g. in tests)
        url = ""
    if url.startswith("http"):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, f"key={key}", ""))
    return f"?key={key}"


def _new_key_box() -> None:
    """The key of a workspace just created: shown once, until the user says it is kept."""
    key = st.session_state.get(state.NEW_KEY)
    if not key:
        return
    with st.container(border=True, key="new-key"):
        st.markdown("### :material/key: Your workspace key")
        st.warning("**Keep this key now: it is shown only once and cannot be recovered.** Anyone with it can "
                   "open this workspace, so keep it private. Without it you cannot open the workspace in "
                   "the app again. (The saved results are plain data on this server: whoever runs it can read "
                   "them without the key.)", icon=":material/warning:")
        st.code(key, language=None)
        url = _bookmark(key)
        st.markdown(f'Or bookmark this link, which opens the workspace directly (it contains the key, so keep '
                    f'it private too): '
                    f'<a href="{html.escape(url)}" target="_self">KneeScreen workspace link</a>',
                    unsafe_allow_html=True)
        st.caption("Copy the key with the button at the right of the box, and store it in a password manager "
                   "or a note only you can read.")
        if st.button("I have saved my key", type="primary", key="ws_key_kept", icon=":material/check:"):
            st.session_state.pop(state.NEW_KEY, None)
            st.rerun()


def _closed() -> None:
    st.markdown(WHAT)
    c1, c2 = st.columns(2, gap="medium")
    with c1.container(border=True, key="ws-open"):
        st.markdown("#### Open your workspace")
        key = st.text_input("Workspace key", type="password", key="ws_key_input",
                            placeholder="paste your key here")
        if st.button("Open workspace", type="primary", key="ws_open", icon=":material/lock_open:"):
            try:
                saved.open_with_key(key)
            except StoreError as e:
                st.error(safe.md(e), icon=":material/error:")
            else:
                st.rerun()
    with c2.container(border=True, key="ws-create"):
        st.markdown("#### New here?")
        st.markdown("Create a workspace. You get a secret key to keep: it is the only way back in.")
        if st.button("Create a workspace", key="ws_create", icon=":material/add_circle:"):
            try:
                wid, key = saved.store().create_workspace()
                saved.open_with_key(key)
            except StoreError as e:
                st.error(safe.md(e))
            else:
                st.session_state[state.NEW_KEY] = key
                st.rerun()


def _act(fn, *args):
    """Run a store action; a refusal is shown as its sentence (None returned) instead of stopping the page."""
    try:
        return fn(*args), True
    except StoreError as e:
        st.error(safe.md(e), icon=":material/error:")
        return None, False


def _export(ws: Workspace, profile_id: str, videos: bool) -> bytes:
    """The export zip, streamed from the saved files into a private temp file, then read once for Streamlit
    (a zip built in memory held two copies of itself)."""
    with tempfile.TemporaryFile(prefix="kneescreen-export-") as fh:
        ws.export_profile(profile_id, include_videos=videos, out=fh)
        fh.seek(0)
        return fh.read()


def _safe_file(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or "profile"


def _profile(ws: Workspace, profile) -> None:
    items = ws.screenings(profile.id)
    st.markdown(f"### {safe.md(profile.name)}")
    if items:
        st.caption(f"{len(items)} saved screening{'s' if len(items) != 1 else ''}, newest first.")
        for bad in (s for s in items if s.result is None):
            st.warning(f"{safe.md(saved.describe(bad))}: {safe.md(bad.damaged)} Delete it below.",
                       icon=":material/report:")
        st.dataframe(saved.styled(saved.screening_rows(items), ["Left", "Right"]), hide_index=True,
                     key=f"ws_table_{profile.id}")
        c1, c2 = st.columns(2)
        with c1:
            saved.link(state.PROGRESS_PAGE, "Progress over time", ":material/show_chart:")
        with c2:
            saved.link(state.COMPARE_PAGE, "Compare two screenings", ":material/compare:")
    else:
        st.info("No screenings saved under this profile yet. Screen your knees, then press *Save this screening* "
                "on the results page.")
        saved.link(state.SCREEN_PAGE, "Screen my knees", ":material/videocam:")

    if items:
        with st.expander("Delete one screening", icon=":material/delete:"):
            ids = [s.id for s in reversed(items)]
            labels = {s.id: saved.describe(s) for s in items}
            pick = st.selectbox("Screening", ids, format_func=lambda i: labels.get(i, ""), key="ws_del_pick")
            if st.button("Delete this screening", key="ws_del_one", icon=":material/delete:"):
                if _act(ws.delete_screening, pick)[1]:
                    saved.notice("success", f"Deleted the screening of {safe.md(labels[pick])}.")
                    st.rerun()
    with st.expander("Export this profile", icon=":material/download:"):
        st.caption("A zip with the profile and every screening's results, to keep or to import elsewhere.")
        videos = st.checkbox("Include the saved videos and stills", value=False, key="ws_exp_videos")
        size = ws.export_size(profile.id, include_videos=videos)
        if size > MAX_DOWNLOAD_BYTES:
            st.warning(f"With its videos this export is about {size / 1e9:.1f} GB. The app hands a download over "
                       f"from the server's memory, so it offers up to {MAX_DOWNLOAD_BYTES / 1e9:.1f} GB: export "
                       "without the videos, or delete videos you no longer need first.", icon=":material/warning:")
        else:
            st.download_button("Download the profile (zip)", lambda: _export(ws, profile.id, videos),
                               file_name=f"kneescreen-{_safe_file(profile.name)}.zip", mime="application/zip",
                               on_click="ignore", key="ws_export", icon=":material/folder_zip:")
    with st.expander("Rename or delete this profile", icon=":material/edit:"):
        new = st.text_input("New name", value=profile.name, key=f"ws_rename_{profile.id}", max_chars=120)
        if st.button("Rename", key="ws_rename"):
            if _act(ws.rename_profile, profile.id, new)[1]:
                st.rerun()
        st.divider()
        what = f"{len(items)} saved screening{'s' if len(items) != 1 else ''}"
        sure = st.checkbox(f"Yes, delete **{safe.md(profile.name)}** and everything of it ({what}, with their videos "
                           "and stills). This cannot be undone.", key=f"ws_del_sure_{profile.id}")
        if st.button("Delete profile", key="ws_del_profile", disabled=not sure, type="primary",
                     icon=":material/delete_forever:"):
            if _act(ws.delete_profile, profile.id)[1]:
                st.session_state.pop(state.PROFILE, None)
                saved.notice("success", f"Deleted the profile {safe.md(profile.name)} and all its screenings.")
                st.rerun()


def _open(ws: Workspace) -> None:
    top = st.columns([3, 1], vertical_alignment="center")
    top[0].caption(":material/lock_open: Your workspace is open in this browser tab only. Close it when you "
                   "are done on a shared computer.")
    if top[1].button("Close workspace", key="ws_close", icon=":material/logout:", width="stretch"):
        saved.close()
        saved.notice("info", "The workspace is closed. Your key opens it again.")
        st.rerun()
    profile = saved.profile_picker(ws, "ws_profile")
    if profile is None:
        st.info("No athlete profiles yet. Make one for each person you screen (or just for yourself).")
    with st.expander("New profile", icon=":material/person_add:", expanded=profile is None):
        name = st.text_input("Name (or a code, if you prefer)", key="ws_new_name", max_chars=120)
        if st.button("Create profile", key="ws_new_profile", type="primary" if profile is None else "secondary"):
            p, ok = _act(ws.create_profile, name)
            if ok:
                st.session_state[state.PROFILE] = p.id
                st.rerun()
    if profile is not None:
        _profile(ws, profile)
    st.divider()
    with st.expander("Import a profile (zip)", icon=":material/upload:"):
        st.caption("A zip exported from KneeScreen becomes a new profile here.")
        f = st.file_uploader("Profile zip", type=["zip"], key="ws_import_file")
        if st.button("Import", key="ws_import", disabled=f is None) and f is not None:
            pid, ok = _act(ws.import_profile, f.getvalue())
            if ok:
                st.session_state[state.PROFILE] = pid
                saved.notice("success", f"Imported the profile {safe.md(ws.profile(pid).name)}.")
                st.rerun()


def page() -> None:
    """The My screenings page."""
    state.init()
    st.title(TITLE)
    if not saving_enabled():
        st.info(saved.OFF_TEXT, icon=":material/cloud_off:")
        return
    saved.show_notice()
    _new_key_box()
    ws = saved.workspace()
    try:
        if ws is None:
            _closed()
        else:
            _open(ws)
    except StoreError as e:
        st.error(safe.md(e), icon=":material/error:")
