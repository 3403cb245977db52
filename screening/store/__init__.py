"""Opt-in saved screenings: private workspaces, profiles, screenings and workshop sessions in SQLite.

The pages use this face; the modules behind it are db (Store, Workspace), sessions (workshop sessions),
transfer (profile zips), result_check (strict check of outside Results), schema (migrations), files
(owner-only files) and base (records and limits).
"""
from screening.store.base import (BUSY, SAVING_ENV, SAVING_OFF, Participant, Profile, SavedScreening, Session,
                                  StoreError, default_db_path, saving_enabled)
from screening.store.db import Store, Workspace

__all__ = ["BUSY", "SAVING_ENV", "SAVING_OFF", "Participant", "Profile", "SavedScreening", "Session", "Store",
           "StoreError", "Workspace", "default_db_path", "saving_enabled"]
