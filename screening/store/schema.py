"""The database schema: migrations, appended one per release and never edited once released."""
from __future__ import annotations

import sqlite3

from screening.store.base import StoreError


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


def _m3_events_and_scrypt_cost(c: sqlite3.Connection) -> None:
    c.execute("CREATE TABLE events (workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, "
              "kind TEXT NOT NULL, subject TEXT NOT NULL, created REAL NOT NULL)")
    c.execute("CREATE INDEX events_by_kind ON events(workspace_id, kind, subject, created)")
    c.execute("ALTER TABLE sessions ADD COLUMN pass_n INTEGER NOT NULL DEFAULT 16384")


MIGRATIONS = (_m1_initial, _m2_notes_and_indexes, _m3_events_and_scrypt_cost)
LATEST_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Bring a database (autocommit connection) to `target` (default: latest), one transaction per step."""
    target = LATEST_VERSION if target is None else target
    if conn.execute("PRAGMA user_version").fetchone()[0] == target:
        return target                    # up to date: no write lock taken
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
