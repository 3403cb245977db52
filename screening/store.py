"""Opt-in saved screenings in embedded SQLite: private workspaces, profiles and their screenings.

Workshop sessions (store_sessions) and profile export/import (store_transfer) are mixed into Workspace;
records, errors and helpers live in store_base. Every query filters by the workspace id.
"""
from __future__ import annotations

import hmac
import json
import secrets
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from .result import Result
from .store_base import (DB_ENV, SAVING_ENV, SAVING_OFF, STATUSES, STILL_SUFFIXES,  # noqa: F401 (re-exported)
                         VIDEO_SUFFIXES, Participant, Profile, SavedScreening, Session, StoreError, _name,
                         _new_id, _now, default_db_path, key_hash, saving_enabled)
from .store_sessions import SessionsMixin
from .store_transfer import TransferMixin

__all__ = ["DB_ENV", "LATEST_VERSION", "SAVING_ENV", "SAVING_OFF", "STATUSES", "Participant", "Profile", "SavedScreening", "Session",
           "Store", "StoreError", "Workspace", "default_db_path", "key_hash", "migrate", "saving_enabled"]


# ----- schema migrations: append, never edit a released one ---------------------------------------
def _m1_initial(c: sqlite3.Connection) -> None:
    ws = "workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE"
    c.execute("CREATE TABLE workspaces (id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE profiles (id TEXT PRIMARY KEY, {ws}, name TEXT NOT NULL, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE screenings (id TEXT PRIMARY KEY, {ws}, profile_id TEXT NOT NULL REFERENCES "
              "profiles(id) ON DELETE CASCADE, created TEXT NOT NULL, test TEXT NOT NULL, result_json TEXT "
              "NOT NULL, video TEXT, keyframes TEXT NOT NULL DEFAULT '[]')")
    c.execute(f"CREATE TABLE sessions (id TEXT PRIMARY KEY, {ws}, title TEXT NOT NULL, pass_salt BLOB NOT NULL, "
              "pass_hash BLOB NOT NULL, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE participants (id TEXT PRIMARY KEY, {ws}, session_id TEXT NOT NULL REFERENCES "
              "sessions(id) ON DELETE CASCADE, name TEXT NOT NULL, profile_id TEXT REFERENCES profiles(id) "
              "ON DELETE SET NULL, screening_id TEXT REFERENCES screenings(id) ON DELETE SET NULL, "
              "status TEXT NOT NULL DEFAULT 'pending', message TEXT NOT NULL DEFAULT '', created TEXT NOT NULL)")


def _m2_notes_and_indexes(c: sqlite3.Connection) -> None:
    c.execute("ALTER TABLE screenings ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    c.execute("CREATE INDEX screenings_by_profile ON screenings(workspace_id, profile_id, created)")
    c.execute("CREATE INDEX participants_by_session ON participants(workspace_id, session_id)")


MIGRATIONS = (_m1_initial, _m2_notes_and_indexes)
LATEST_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Bring a database (autocommit connection) to `target` (default: latest), one transaction per step."""
    target = LATEST_VERSION if target is None else target
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:
                raise StoreError(f"This database was written by a newer KneeScreen (schema {version}); update.")
            if version >= target:
                conn.execute("COMMIT")
                return version
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class Store:
    """The database file and the media folder next to it. Reach records only through a Workspace."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.media_root = self.path.parent / "media"
        with self._connect() as c:
            c.execute("PRAGMA journal_mode = WAL")
            migrate(c)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        c = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        c.row_factory = sqlite3.Row
        c.execute("PRAGMA foreign_keys = ON")
        try:
            yield c
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
            c.execute("INSERT INTO workspaces VALUES (?, ?, ?)", (wid, key_hash(key), _now()))
        return wid, key

    def open_workspace(self, key: str) -> "Workspace":
        digest = key_hash(key) if isinstance(key, str) and key.strip() else ""
        with self._connect() as c:
            row = c.execute("SELECT id, key_hash FROM workspaces WHERE key_hash = ?", (digest,)).fetchone()
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            raise StoreError("No workspace has this key. Check that it was copied in full.")
        return Workspace(self, row["id"])


class Workspace(SessionsMixin, TransferMixin):
    """One private workspace. Every query below filters by its id."""

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
        frames = [(label, p) for label, rel in json.loads(r["keyframes"]) if (p := self._media(rel))]
        return SavedScreening(r["id"], r["profile_id"], r["created"], Result.from_json(r["result_json"]),
                              self._media(r["video"]), frames, r["note"])

    # ----- profiles -------------------------------------------------------------------------------
    def create_profile(self, name: str) -> Profile:
        p = Profile(_new_id(), _name(name), _now())
        with self.store._write() as c:
            c.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (p.id, self.id, p.name, p.created))
        return p

    def profiles(self) -> list[Profile]:
        with self.store._connect() as c:
            rows = c.execute("SELECT id, name, created FROM profiles WHERE workspace_id = ? "
                             "ORDER BY name COLLATE NOCASE, created", (self.id,)).fetchall()
        return [Profile(*r) for r in rows]

    def profile(self, profile_id: str) -> Profile:
        with self.store._connect() as c:
            r = self._row(c, "profiles", profile_id, "profile")
        return Profile(r["id"], r["name"], r["created"])

    def rename_profile(self, profile_id: str, name: str) -> None:
        with self.store._write() as c:
            self._row(c, "profiles", profile_id, "profile")
            c.execute("UPDATE profiles SET name = ? WHERE id = ? AND workspace_id = ?", (_name(name), profile_id, self.id))

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
        """Save a Result under a profile; copy the video only when given (the user ticked the box)."""
        if not isinstance(result, Result):
            raise StoreError("Only a KneeScreen Result can be saved.")
        sid, text = _new_id(), result.to_json(indent=None)
        folder = self.media_dir / sid
        try:
            with self.store._write() as c:
                self._row(c, "profiles", profile_id, "profile")
                video_rel, frames = None, []
                if video_path is not None:
                    src = Path(video_path)
                    suffix = src.suffix.lower() if src.suffix.lower() in VIDEO_SUFFIXES else ".mp4"
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, folder / f"video{suffix}")
                    video_rel = f"{sid}/video{suffix}"
                for i, (label, path) in enumerate(keyframes, 1):
                    src = Path(path)
                    suffix = src.suffix.lower() if src.suffix.lower() in STILL_SUFFIXES else ".png"
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, folder / f"still_{i}{suffix}")
                    frames.append([str(label), f"{sid}/still_{i}{suffix}"])
                c.execute("INSERT INTO screenings (id, workspace_id, profile_id, created, test, result_json, video, "
                          "keyframes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (sid, self.id, profile_id, result.created or _now(), result.test, text, video_rel,
                           json.dumps(frames), str(note or "")))
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
