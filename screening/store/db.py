"""Opt-in saved screenings in embedded SQLite: private workspaces, profiles and their screenings.

Workshop sessions (store_sessions) and profile export/import (store_transfer) are mixed into Workspace;
records, errors and helpers live in store_base. Every query filters by the workspace id.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from screening.core.result import Result
from screening.core.vocab import VIDEO_EXTS
from screening.store.result_check import ResultInvalid, check_result, readable
from screening.store.base import (BUSY, DB_ENV, MAX_PROFILES, MAX_WORKSPACE_BYTES, SAVING_ENV, SAVING_OFF,  # noqa: F401 (re-exported)
                         STATUSES, STILL_SUFFIXES, Participant, Profile, SavedScreening, Session,
                         Source, StoreError, _name, _new_id, _now, default_db_path, key_hash, saving_enabled, text_ok,
                         unicode_checked)
from screening.store.files import TooLarge, copy_private, private_dir, private_file, sweep_orphans, tree_size
from screening.store.quota import FULL, SERVER_FULL, check_new_workspace, server_room, store_cap_bytes
from screening.store.schema import LATEST_VERSION, MIGRATIONS, migrate  # noqa: F401 (re-exported)
from screening.store.sessions import SessionsMixin
from screening.store.transfer import TransferMixin

__all__ = ["DB_ENV", "LATEST_VERSION", "SAVING_ENV", "SAVING_OFF", "STATUSES", "Participant", "Profile",
           "SavedScreening", "Session", "Store", "StoreError", "Workspace", "default_db_path", "key_hash", "migrate",
           "saving_enabled"]


class Store:
    """The database file and the media folder next to it (both owner-only). Reach records only through a
    Workspace. With saving off nothing is created: an existing database is opened read-only."""

    BUSY_TIMEOUT_S = 10.0

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        self.media_root = self.path.parent / "media"
        self.read_only = not saving_enabled()
        self._checked: set[tuple[str, bytes]] = set()     # records already validated (they never change)
        if self.read_only and not self.path.is_file():
            raise StoreError(SAVING_OFF)
        if not self.read_only:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            for f in (self.path, *(self.path.with_name(self.path.name + x) for x in ("-wal", "-shm"))):
                if f == self.path or f.exists():
                    private_file(f)          # also tightens files an older version left world-readable
            if self.media_root.is_dir():
                private_dir(self.media_root)
        with self._connect() as c:
            if not self.read_only:
                c.execute("PRAGMA journal_mode = WAL")
                migrate(c)
                known = {(r[0], r[1]) for r in c.execute("SELECT workspace_id, id FROM screenings")}
        if not self.read_only:
            sweep_orphans(self.media_root, known)     # left by a save or import killed before its commit

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            if self.read_only:
                c = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                                    timeout=self.BUSY_TIMEOUT_S)
            else:
                c = sqlite3.connect(self.path, isolation_level=None, timeout=self.BUSY_TIMEOUT_S)
        except sqlite3.Error as e:
            raise StoreError(f"The database cannot be opened ({e}).") from None
        c.row_factory = sqlite3.Row
        try:
            c.execute("PRAGMA foreign_keys = ON")
            yield c
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise StoreError(BUSY) from None
            raise
        finally:
            c.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if not saving_enabled():
            raise StoreError(SAVING_OFF)
        with self._connect() as c:
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")

    def create_workspace(self) -> tuple[str, str]:
        """A new private workspace: (id, secret key). Show the key once; only its hash is stored."""
        wid, key = _new_id(), secrets.token_urlsafe(24)
        with self._write() as c:
            check_new_workspace(c)
            c.execute("INSERT INTO workspaces VALUES (?, ?, ?)", (wid, key_hash(key), _now()))
        return wid, key

    def room(self) -> int:
        """Bytes all workspaces together may still write (quota.server_room)."""
        return server_room(self.path, self.media_root)

    def open_workspace(self, key: str) -> "Workspace":
        digest = key_hash(key) if isinstance(key, str) and key.strip() else ""
        with self._connect() as c:
            row = c.execute("SELECT id, key_hash FROM workspaces WHERE key_hash = ?", (digest,)).fetchone()
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            raise StoreError("No workspace has this key. Check that it was copied in full.")
        return Workspace(self, row["id"])


class Workspace(SessionsMixin, TransferMixin):
    """One private workspace. Every query below filters by its id."""
    store: Store

    def __init__(self, store: Store, workspace_id: str):
        self.store, self.id = store, workspace_id
        self.media_dir = store.media_root / workspace_id

    # ----- helpers --------------------------------------------------------------------------------
    def _row(self, c, table: str, rid: str, what: str) -> sqlite3.Row:
        row = c.execute(f"SELECT * FROM {table} WHERE id = ? AND workspace_id = ?", (str(rid), self.id)).fetchone()
        if row is None:
            raise StoreError(f"No such {what} in this workspace.")
        return row

    def _media(self, rel: str | None) -> Path | None:
        """A stored media path, only if it resolves inside this workspace's folder and exists."""
        if not rel:
            return None
        root = self.media_dir.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or path == root:
            raise StoreError("A saved file lies outside this workspace and was not opened.")
        return path if path.is_file() else None

    def _remove_media(self, screening_id: str) -> None:
        root = self.media_dir.resolve()
        path = (root / screening_id).resolve()
        if path.is_relative_to(root) and path != root:
            shutil.rmtree(path, ignore_errors=True)

    def _saved(self, r: sqlite3.Row) -> SavedScreening:
        """A stored record; one that cannot be read is returned as damaged (result None) so that every page
        can still show it and delete it."""
        text = r["result_json"]
        try:
            digest = (r["id"], hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
            data = json.loads(text)
            result = readable(data) if digest in self.store._checked else \
                check_result(unicode_checked(data, text))
            self.store._checked.add(digest)
            frames = [(text_ok(label), p) for label, rel in json.loads(r["keyframes"]) if (p := self._media(rel))]
            return SavedScreening(r["id"], r["profile_id"], text_ok(r["created"]), result, self._media(r["video"]),
                                  frames, text_ok(r["note"]))
        except (ResultInvalid, StoreError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:
            why = str(e) if isinstance(e, (ResultInvalid, StoreError)) else type(e).__name__
            return SavedScreening(r["id"], r["profile_id"], text_ok(r["created"]), None, None, [], text_ok(r["note"]),
                                  damaged=f"This saved screening is damaged and cannot be shown ({why[:120]}).")

    def usage(self, c: sqlite3.Connection | None = None) -> int:
        """Bytes this workspace holds: its stored results plus its media folder."""
        if c is None:
            with self.store._connect() as c:
                return self.usage(c)
        rows = c.execute("SELECT COALESCE(SUM(LENGTH(result_json)), 0) FROM screenings WHERE workspace_id = ?",
                         (self.id,)).fetchone()[0]
        return int(rows) + tree_size(self.media_dir)

    def _stage(self, sid: str, video: Source | None, keyframes: Sequence[tuple[str, Source]],
               budget: list[int]) -> tuple[str | None, list[list[str]]]:
        """Copy a screening's media into its owner-only folder before any record is written (no database
        lock is held meanwhile). `budget` is the bytes still allowed; it is decremented as bytes are
        written. Raises TooLarge past it."""
        folder = self.media_dir / sid
        video_rel: str | None = None
        frames: list[list[str]] = []
        jobs = ([("video", video, VIDEO_EXTS, ".mp4")] if video else []) + \
            [(f"still_{i}", src, STILL_SUFFIXES, ".png") for i, (_, src) in enumerate(keyframes, 1)]
        for stem, (name, opener), allowed, default in jobs:
            suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in allowed else default
            private_dir(self.store.media_root)
            private_dir(self.media_dir)
            private_dir(folder)
            with opener() as fh:
                budget[0] -= copy_private(fh, folder / f"{stem}{suffix}", budget[0])
            if stem == "video":
                video_rel = f"{sid}/{stem}{suffix}"
            else:
                frames.append([str(keyframes[len(frames)][0])[:200], f"{sid}/{stem}{suffix}"])
        return video_rel, frames

    def _insert(self, c, sid: str, profile_id: str, result: Result, text: str, video_rel: str | None,
                frames: list, note: str, created: str | None = None) -> None:
        c.execute("INSERT INTO screenings (id, workspace_id, profile_id, created, test, result_json, video, "
                  "keyframes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (sid, self.id, profile_id, created or result.created or _now(), result.test, text, video_rel,
                   json.dumps(frames), str(note or "")[:4000]))

    # ----- profiles -------------------------------------------------------------------------------
    def create_profile(self, name: str) -> Profile:
        p = Profile(_new_id(), _name(name), _now())
        with self.store._write() as c:
            self._room_for_profile(c)
            c.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (p.id, self.id, p.name, p.created))
        return p

    def _room_for_profile(self, c) -> None:
        if c.execute("SELECT COUNT(*) FROM profiles WHERE workspace_id = ?", (self.id,)).fetchone()[0] >= MAX_PROFILES:
            raise StoreError(f"This workspace already has {MAX_PROFILES} profiles, the most it can hold: delete "
                             "some first.")

    def profiles(self) -> list[Profile]:
        with self.store._connect() as c:
            rows = c.execute("SELECT id, name, created FROM profiles WHERE workspace_id = ? "
                             "ORDER BY name COLLATE NOCASE, created", (self.id,)).fetchall()
        return [Profile(r[0], text_ok(r[1]), text_ok(r[2])) for r in rows]

    def profile(self, profile_id: str) -> Profile:
        with self.store._connect() as c:
            r = self._row(c, "profiles", profile_id, "profile")
        return Profile(r["id"], text_ok(r["name"]), text_ok(r["created"]))

    def rename_profile(self, profile_id: str, name: str) -> None:
        with self.store._write() as c:
            self._row(c, "profiles", profile_id, "profile")
            c.execute("UPDATE profiles SET name = ? WHERE id = ? AND workspace_id = ?",
                      (_name(name), profile_id, self.id))

    def delete_profile(self, profile_id: str) -> None:
        """Remove the profile, all its screenings and their saved videos and stills."""
        with self.store._write() as c:
            self._row(c, "profiles", profile_id, "profile")
            ids = [r[0] for r in c.execute("SELECT id FROM screenings WHERE profile_id = ? AND workspace_id = ?",
                                           (profile_id, self.id))]
            c.execute("DELETE FROM screenings WHERE profile_id = ? AND workspace_id = ?", (profile_id, self.id))
            c.execute("DELETE FROM profiles WHERE id = ? AND workspace_id = ?", (profile_id, self.id))
        for sid in ids:
            self._remove_media(sid)

    # ----- screenings -----------------------------------------------------------------------------
    def save_screening(self, profile_id: str, result: Result, video_path: str | Path | None = None,
                       keyframes: Sequence[tuple[str, str | Path]] = (), note: str = "") -> str:
        """Save a Result under a profile; copy the video only when given (the user ticked the box). The files
        are copied first, then the record is written in one short transaction."""
        if not isinstance(result, Result):
            raise StoreError("Only a KneeScreen Result can be saved.")
        if not saving_enabled():
            raise StoreError(SAVING_OFF)
        sid, text = _new_id(), result.to_json(indent=None)
        self.profile(profile_id)                      # a clear refusal before anything is copied
        room, server = MAX_WORKSPACE_BYTES - self.usage(), self.store.room()
        budget = [min(room, server) - len(text)]
        try:
            if budget[0] < 0:
                raise TooLarge()
            video_rel, frames = self._stage(sid, _source(video_path) if video_path is not None else None,
                                            [(label, _source(p)) for label, p in keyframes], budget)
            with self.store._write() as c:
                self._row(c, "profiles", profile_id, "profile")
                self._insert(c, sid, profile_id, result, text, video_rel, frames, note)
        except TooLarge:
            self._remove_media(sid)
            raise StoreError(FULL.format(MAX_WORKSPACE_BYTES / 1e9) if room <= server else
                             SERVER_FULL.format(round(store_cap_bytes() / 1e9, 3))) from None
        except BaseException:
            self._remove_media(sid)
            raise
        return sid

    def screenings(self, profile_id: str, test: str | None = None) -> list[SavedScreening]:
        """The profile's screenings, oldest first (optionally of one test)."""
        with self.store._connect() as c:
            self._row(c, "profiles", profile_id, "profile")
            rows = c.execute("SELECT * FROM screenings WHERE workspace_id = ? AND profile_id = ? AND "
                             "(? IS NULL OR test = ?) ORDER BY created, rowid",
                             (self.id, profile_id, test, test)).fetchall()
        return [self._saved(r) for r in rows]

    def get_screening(self, screening_id: str) -> SavedScreening:
        with self.store._connect() as c:
            return self._saved(self._row(c, "screenings", screening_id, "saved screening"))

    def delete_screening(self, screening_id: str) -> None:
        with self.store._write() as c:
            self._row(c, "screenings", screening_id, "saved screening")
            c.execute("DELETE FROM screenings WHERE id = ? AND workspace_id = ?", (screening_id, self.id))
        self._remove_media(screening_id)


def _source(path: str | Path) -> Source:
    p = Path(path)
    return p.name, lambda: open(p, "rb")
