"""Workshop batch: upload several clips, assign each to a participant, run them all with live per-clip status."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from screening import slots
from screening import tempdirs
from screening.batch import CANCELLED, BatchItem, run_batch
from screening.cluster import address as cluster_address
from screening.core.errors import AnalysisError, Cancelled
from screening.engine.norms import norm_for
from screening.core.result import TEST_LABELS, TESTS
from screening.core.specs import SPECS
from screening.store.db import Participant, Session, StoreError, Workspace
from screening.ui import analysis, safe, saved, state

ROW_STATUS = {"queued": "waiting / analysing", "ok": "done", "failed": "failed", "cancelled": "cancelled"}
_RUNNING: set[str] = set()          # workshop sessions with a batch running in this server process
_LOCK = threading.Lock()
AFTER = "_workshop_after"           # {notice, round} left by a batch for the next run (see settle())
SEXES = {"": "Not known / mixed", "female": "Female", "male": "Male"}
LEGS = {"": "Both, or found from each video", "left": "Left leg only", "right": "Right leg only"}
NONE = "__none__"


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def match(file_name: str, names: dict[str, str]) -> str | None:
    """The participant (id) whose name or code the clip's file name contains; the longest such name wins."""
    stem = _norm(Path(file_name).stem)
    hits = [(len(_norm(n)), pid) for pid, n in names.items() if _norm(n) and _norm(n) in stem]
    return max(hits)[1] if hits else None


def settle() -> None:
    """At the start of the Workshop page: what the last batch left (its notice, a fresh clip uploader). A
    batch stopped by Cancel may not touch st.session_state itself, so it wrote into this dict instead."""
    after = st.session_state.setdefault(AFTER, {})
    if after.pop("round", False):
        st.session_state[state.WORKSHOP_ROUND] = st.session_state.get(state.WORKSHOP_ROUND, 0) + 1
    if "notice" in after:
        saved.notice(*after.pop("notice"))


def running(session_id: str) -> bool:
    """True while a batch of this workshop runs in this process (its 'running' rows are then real)."""
    with _LOCK:
        return session_id in _RUNNING


def _assign(files: list[UploadedFile], parts: list[Participant]) -> list[tuple[UploadedFile, Participant | None]]:
    """One selectbox per clip: its participant, matched by file name by default."""
    names = {p.id: p.name for p in parts}
    by_id = {p.id: p for p in parts}
    options = [NONE] + list(names)
    out = []
    for i, f in enumerate(files):
        guess = match(f.name, names)
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        c1.markdown(f":material/movie: {safe.md(f.name)} ({f.size / 1e6:.1f} MB)")
        pid = c2.selectbox(f"Participant for {safe.md(f.name)}", options, index=options.index(guess) if guess else 0,
                           format_func=lambda x: names.get(x, "— choose —"), key=f"wk_assign_{i}_{f.name}",
                           label_visibility="collapsed")
        out.append((f, by_id.get(pid)))
    return out


def _options() -> dict:
    c1, c2, c3 = st.columns(3)
    test = c1.selectbox("Test (the same for every clip)", TESTS, format_func=lambda t: TEST_LABELS.get(t, ""),
                        key="wk_test")
    sex = c2.selectbox("Sex, for the matching norms", list(SEXES), format_func=lambda s: SEXES.get(s, ""), key="wk_sex")
    leg = c3.selectbox("Stance leg", list(LEGS), format_func=lambda s: LEGS.get(s, ""), key="wk_leg") \
        if SPECS[test].single_leg and SPECS[test].posture == "standing" else None   # the clamshell finds its top leg
    norm = norm_for("fppa", test, sex or None)
    if norm is not None:
        st.caption(f"Norms used for the knee angle: {norm.text}.")
    draw = st.checkbox("Draw the annotated video and stills (slower; the stills go in the reports and Compare)",
                       value=True, key="wk_draw")
    keep = st.checkbox("Also keep each annotated video in the participant's profile", value=False,
                       key="wk_keep", disabled=not draw)
    return dict(test=test, sex=sex or None, leg=leg or None, make_video=draw, keep_video=draw and keep)


def clips(ws: Workspace, sess: Session, parts: list[Participant]) -> None:
    """Upload, assign, choose the test, and run."""
    if not parts:
        st.caption("Add the participants first: each clip is saved to a participant's profile.")
        return
    round_ = st.session_state.get(state.WORKSHOP_ROUND, 0)
    files = st.file_uploader(f"Clips, one per participant (mp4, mov, webm, avi or m4v; up to "
                             f"{analysis.MAX_UPLOAD_MB} MB each)", type=analysis.VIDEO_TYPES,
                             accept_multiple_files=True, key=f"wk_clips_{round_}",
                             max_upload_size=analysis.MAX_UPLOAD_MB) or []
    st.caption("Name each file after its participant (e.g. *Alex.mp4*) and it is matched automatically; "
               "otherwise choose the participant next to each clip.")
    pairs = _assign(files, parts)
    opts = _options()
    missing = [f.name for f, p in pairs if p is None]
    chosen = [p.id for _, p in pairs if p is not None]
    if missing:
        st.warning(f"Choose a participant for: {safe.md(', '.join(missing))}.")
    if len(set(chosen)) < len(chosen):
        st.warning("Two clips are assigned to the same participant: both are saved, the group table shows the "
                   "one that finishes last.")
    ready = bool(pairs) and not missing
    if st.button(f"Analyse {len(pairs)} clip{'s' if len(pairs) != 1 else ''}", type="primary", key="wk_run",
                 disabled=not ready, icon=":material/play_arrow:", width="stretch"):
        run(ws, sess, pairs, opts)


def _run_in_slots(items: list, out: Path, opts: dict, progress, on_done) -> list[BatchItem]:
    """The batch counts against the server's analysis slots like single analyses do: it waits for one (its
    place in the queue shown), then takes as many more as are free, one worker process per slot. With
    KNEESCREEN_SCHEDULER set the clips go to that Dask cluster instead, whose workers are the slots."""
    shared, wait_box = slots.shared(), st.empty()
    where = cluster_address.configured()
    if where is not None:
        # start-up: distributed (1-3 s to import) is loaded only once a scheduler is configured
        from screening.cluster.batch import ClusterRunner

        def note(text: str) -> None:
            if not analysis.leaving():
                wait_box.info(text, icon=":material/hourglass_top:")
        return run_batch(items, out, test=opts["test"], leg=opts["leg"], sex=opts["sex"], model="lite",
                         progress=progress, on_done=on_done, make_video=opts["make_video"],
                         should_cancel=analysis.leaving, runner=ClusterRunner(where, say=note))

    def say(_stage: str, _fraction: float, text: str) -> None:
        if not analysis.leaving():
            wait_box.info(f"Waiting for a free slot: {text}.", icon=":material/hourglass_top:")
    with slots.turn(shared, say, analysis.leaving):
        extra = shared.grab(min(os.cpu_count() or 1, len(items)) - 1)
        try:
            if not analysis.leaving():
                wait_box.empty()
            return run_batch(items, out, test=opts["test"], leg=opts["leg"], sex=opts["sex"], model="lite",
                             processes=1 + extra, progress=progress, on_done=on_done,
                             make_video=opts["make_video"], should_cancel=analysis.leaving)
        finally:
            shared.release(extra)


def run(ws: Workspace, sess: Session, pairs: list, opts: dict) -> list[BatchItem]:
    """Copy the uploads into a private temp folder, run the batch, save each finished clip to its participant's
    profile straight away, and delete the folder. Failures are recorded and never stop the rest."""
    tmp = Path(tempfile.mkdtemp(prefix="kneescreen-workshop-"))
    busy = tempdirs.hold(tmp)               # the stale-temp sweep leaves a running batch alone
    files = st.session_state.setdefault(state.WORKSHOP_FILES, {})
    after = st.session_state.setdefault(AFTER, {})      # fetched now: no st call once Cancel is pending
    try:
        (tmp / "in").mkdir()
        items, owner, rows = [], {}, {}
        for i, (f, part) in enumerate(pairs):
            path = tmp / "in" / f"{i:03d}" / analysis._safe_name(f.name)   # the engine quotes its name
            path.parent.mkdir()
            f.seek(0)
            with open(path, "wb") as fh:
                shutil.copyfileobj(f, fh, 1 << 20)
            items.append((part.name, path))
            owner[str(path)] = part
            files[part.id] = f.name
            rows[str(path)] = {"Clip": f.name, "Participant": part.name, "Status": ROW_STATUS["queued"],
                               "Result": ""}
            ws.record_participant_result(sess.id, part.id, None, "running", "")
        st.button("Cancel", key="wk_cancel", icon=":material/stop_circle:",
                  help="Stops the clips still running; the finished ones stay saved.")
        st.caption("Pressing Cancel, or leaving this page, stops the clips not yet finished; finished clips "
                   "are already saved.")
        bar = st.progress(0.0, text=f"0 of {len(items)} clips done")
        table = st.empty()
        table.dataframe(list(rows.values()), hide_index=True)

        def on_done(item: BatchItem) -> None:
            part = owner[str(item.video)]
            if item.status == "ok" and item.result is not None:
                profile_id = part.profile_id or ws.create_profile(part.name).id
                sid = ws.save_screening(profile_id, item.result,
                                        item.video_path if opts["keep_video"] else None, item.keyframes)
                ws.record_participant_result(sess.id, part.id, sid, "ok", item.message)
            else:
                text = item.message + (f" What to do: {item.fix}" if item.fix else "")
                ws.record_participant_result(sess.id, part.id, None,
                                             "cancelled" if item.status == "cancelled" else "failed", text)

        def progress(done: int, total: int, item: BatchItem) -> None:
            row = rows[str(item.video)]
            row["Status"] = ROW_STATUS.get(item.status, item.status)
            row["Result"] = item.message + (f" What to do: {item.fix}" if item.fix and item.status != "ok" else "")
            if analysis.leaving():      # Cancel or another click is pending: the batch stops, draw nothing
                return
            bar.progress(done / total, text=f"{done} of {total} clips done")
            table.dataframe(list(rows.values()), hide_index=True)

        with _LOCK:
            _RUNNING.add(sess.id)
        try:
            out = _run_in_slots(items, tmp / "out", opts, progress, on_done)
        except (AnalysisError, Cancelled) as e:     # never got a slot: the server is busy, or Cancel
            status = "cancelled" if isinstance(e, Cancelled) else "failed"
            text = CANCELLED if status == "cancelled" else f"{e} What to do: {getattr(e, 'fix', '')}"
            for part in owner.values():
                ws.record_participant_result(sess.id, part.id, None, status, text)
            out = [BatchItem(part.name, Path(k), tmp, status=status, message=text) for k, part in owner.items()]
        finally:
            with _LOCK:
                _RUNNING.discard(sess.id)
    except StoreError as e:
        st.error(safe.md(e))
        return []
    finally:
        tempdirs.release(busy)
        shutil.rmtree(tmp, ignore_errors=True)
    ok = sum(1 for it in out if it.status == "ok")
    stopped = sum(1 for it in out if it.status == "cancelled")
    after["notice"] = ("success" if ok == len(out) else "warning",
                       (f"Cancelled: {stopped} clip{'s' if stopped != 1 else ''} stopped. " if stopped else "")
                       + f"Finished: {ok} of {len(out)} clips analysed and saved to their participants' "
                       "profiles." + ("" if ok == len(out) else " What went wrong, and what to do, is under "
                                      "the group table."))
    after["round"] = True
    st.rerun()
    return out
