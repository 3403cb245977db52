"""The Workshop page: a leader screens a group, one clip per participant, and leaves with a table and reports."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from screening.batch import BatchItem
from screening.core.vocab import format_date
from screening.outputs.group import group_pdf, group_table, write_group_csv
from screening.outputs.handout_pdf import handout_pdf, take_home_sheets
from screening.store.db import Session, StoreError, Workspace
from screening.ui import safe, saved, state, workshop_run

TITLE = "Workshop"
INTRO = ("For a leader screening a group: add the participants, upload one clip per person, run them all at "
         "once, and leave with a group table and a report per person.")
STATUS = {"pending": "no clip yet", "running": "analysing…", "ok": "done", "failed": "failed",
          "interrupted": "interrupted", "cancelled": "cancelled"}
PASSCODE_MEANS = ("The passcode stops someone who has the workspace open from opening this workshop page (the "
                  "group table, adding participants, running clips) without it. It does not hide results: each "
                  "participant's screening is saved as a profile of the workspace, which anyone with the "
                  "workspace key can see in My screenings.")
TABLE_COLUMNS = {"name": "Participant", "status": "Status", "test": "Test", "left_band": "Left",
                 "right_band": "Right", "left_value": "Left key number", "right_value": "Right key number",
                 "left_worst": "Left worst", "right_worst": "Right worst",
                 "side_difference": "Left-right difference", "capture_problems": "Capture problems",
                 "message": "Message", "file": "Clip"}


def _guide_link() -> None:
    """The session guide and its printable leader sheet (plan, safety, consent; no one's data in it)."""
    guide = st.session_state.get(state.PAGES_BY_SLUG, {}).get("workshop-guide")
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    if guide is not None:
        row.page_link(guide, label="Plan the 30-minute session: Run a workshop", icon=":material/checklist:")
    row.download_button("Leader sheet (PDF)", lambda: handout_pdf("workshop-guide"), on_click="ignore",
                        file_name="kneescreen-leader-sheet.pdf", mime="application/pdf", key="wk_leader_sheet",
                        icon=":material/print:")


def _start(ws: Workspace) -> None:
    st.markdown(INTRO)
    _guide_link()
    c1, c2 = st.columns(2, gap="medium")
    with c1.container(border=True, key="wk-new"):
        st.markdown("#### New workshop")
        title = st.text_input("Title", key="wk_title", placeholder="e.g. U16 girls, 12 May", max_chars=120)
        code = st.text_input("Leader passcode (at least 4 characters)", type="password", key="wk_pass")
        st.caption(PASSCODE_MEANS)
        if st.button("Create workshop", type="primary", key="wk_create", icon=":material/groups:"):
            try:
                st.session_state[state.WORKSHOP] = ws.create_session(title, code)
            except StoreError as e:
                st.error(safe.md(e))
            else:
                st.rerun()
    sessions = ws.sessions()
    with c2.container(border=True, key="wk-open"):
        st.markdown("#### Open a workshop")
        if not sessions:
            st.caption("No workshop has been created in this workspace yet.")
            return
        ids = [s.id for s in reversed(sessions)]
        names = {s.id: f"{s.title} ({format_date(s.created)[:10]})" for s in sessions}
        pick = st.selectbox("Workshop", ids, format_func=lambda i: names.get(i, ""), key="wk_pick")
        code = st.text_input("Leader passcode", type="password", key="wk_pass_open")
        if st.button("Open workshop", key="wk_open", icon=":material/lock_open:"):
            try:
                st.session_state[state.WORKSHOP] = ws.open_session(pick, code)
            except StoreError as e:
                st.error(safe.md(e))
            else:
                st.rerun()


def _add_participants(ws: Workspace, session_id: str) -> None:
    """Button callback: one participant per line, skipping names already in the workshop."""
    lines = [" ".join(x.split()) for x in st.session_state.get("wk_names", "").splitlines()]
    have = {p.name.lower() for p in ws.participants(session_id)}
    added, skipped = [], []
    try:
        for name in lines:
            if not name:
                continue
            if name.lower() in have:
                skipped.append(name)
                continue
            ws.add_participant(session_id, name)
            have.add(name.lower())
            added.append(name)
    except StoreError as e:
        saved.notice("error", safe.md(e))
        return
    st.session_state["wk_names"] = ""
    text = f"Added {len(added)} participant{'s' if len(added) != 1 else ''}."
    if skipped:
        text += f" Already in the list, so not added again: {safe.md(', '.join(skipped))}."
    saved.notice("success" if added else "warning", text)


def _saved_items(ws: Workspace, sess: Session, folder: Path) -> list[BatchItem]:
    """The group as BatchItems rebuilt from the store (also for a workshop reopened later)."""
    files = st.session_state.get(state.WORKSHOP_FILES, {})
    items: list[BatchItem] = []
    for p in ws.participants(sess.id):
        s = ws.get_screening(p.screening_id) if p.screening_id else None
        items.append(BatchItem(p.name, Path(files.get(p.id, "")), folder / f"p{len(items) + 1}", status=p.status,
                               message=p.message, result=s.result if s else None,
                               keyframes=list(s.keyframes) if s else []))
    return items


def _downloads(items: list[BatchItem], sess: Session) -> None:
    stem = "kneescreen-" + (re.sub(r"[^A-Za-z0-9]+", "-", sess.title).strip("-").lower()[:40] or "workshop")

    def build(kind: str) -> bytes:
        tmp = Path(tempfile.mkdtemp(prefix="kneescreen-group-"))     # private (0700), a fresh random name
        for i, it in enumerate(items, 1):
            it.folder = tmp / f"p{i}"           # not created: nothing is written per participant
        try:
            path = write_group_csv(items, tmp / "group.csv") if kind == "csv" else group_pdf(items, tmp / "group.pdf")
            return path.read_bytes() if path else b""
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    def sheets() -> bytes:
        return take_home_sheets((it.result, it.name) for it in items if it.status == "ok" and it.result is not None)
    done = sum(1 for it in items if it.status == "ok")
    c1, c2, c3 = st.columns(3)
    c1.download_button("Group table (CSV)", lambda: build("csv"), file_name=f"{stem}.csv", mime="text/csv",
                       on_click="ignore", key="wk_csv", icon=":material/table:", width="stretch")
    c2.download_button(f"Reports, one page per participant (PDF, {done})", lambda: build("pdf"),
                       file_name=f"{stem}.pdf", mime="application/pdf", on_click="ignore", key="wk_pdf",
                       icon=":material/picture_as_pdf:", width="stretch", disabled=done == 0)
    c3.download_button(f"Take-home sheets: result and exercises (PDF, {done})", sheets,
                       file_name=f"{stem}-take-home.pdf", mime="application/pdf", on_click="ignore",
                       key="wk_takehome", icon=":material/assignment:", width="stretch", disabled=done == 0)


def group(ws: Workspace, sess: Session) -> None:
    """The group table (participant, test, left/right bands, key numbers, capture problems) and downloads."""
    items = _saved_items(ws, sess, Path("unused"))     # build() gives each a folder inside a private temp dir
    if not items:
        st.info("No participants yet: add them above.")
        return
    rows = []
    for row in group_table(items):
        row["status"] = STATUS.get(row["status"], row["status"])
        row["test"] = row["test"] if row["left_band"] or row["right_band"] else ""
        for leg in ("left", "right"):
            if row[f"{leg}_value"]:
                row[f"{leg}_value"] = f"{row[f'{leg}_measure']}: {row[f'{leg}_value']}"
        rows.append({label: row[col] for col, label in TABLE_COLUMNS.items()})
    st.dataframe(saved.styled(rows, ["Left", "Right"]), hide_index=True, key="wk_group",
                 column_config={"Participant": st.column_config.TextColumn(pinned=True)})
    for it in items:
        if it.status in ("failed", "interrupted", "cancelled"):
            st.warning(f"**{safe.md(it.name)}:** {safe.md(it.message or 'the analysis failed.')}",
                       icon=":material/error:")
    _downloads(items, sess)
    st.caption("Each finished clip is saved in its participant's profile straight away (see My screenings): "
               "after a re-test, open Progress or Compare there.")


def page() -> None:
    """The Workshop page."""
    state.init()
    workshop_run.settle()
    ws = saved.gate(TITLE)
    if ws is None:
        _guide_link()
        return
    try:
        sess = st.session_state.get(state.WORKSHOP)
        if sess is None or sess.id not in {s.id for s in ws.sessions()}:
            st.session_state.pop(state.WORKSHOP, None)
            _start(ws)
            return
        parts = ws.participants(sess.id)
        if any(p.status == "running" for p in parts) and not workshop_run.running(sess.id):
            ws.mark_interrupted(sess.id)     # left 'running' by a batch that stopped (server killed, tab gone)
        top = st.columns([3, 1], vertical_alignment="center")
        top[0].markdown(f"### {safe.md(sess.title)}")
        top[0].caption(f"Workshop created {format_date(sess.created)}. Open in this browser tab only.")
        _guide_link()
        if top[1].button("Close workshop", key="wk_close", icon=":material/logout:", width="stretch"):
            st.session_state.pop(state.WORKSHOP, None)
            st.rerun()
        st.subheader("1. Participants")
        st.text_area("Add participants: names or codes, one per line", key="wk_names", height=110,
                     placeholder="One per line, for example: Alex, Sam, P07")
        st.button("Add participants", key="wk_add", on_click=_add_participants, args=(ws, sess.id),
                  icon=":material/person_add:")
        st.subheader("2. Group table")
        group(ws, sess)
        st.subheader("3. Clips")
        workshop_run.clips(ws, sess, ws.participants(sess.id))
    except StoreError as e:
        st.error(safe.md(e), icon=":material/error:")
