"""Opt-in saved screenings: private workspaces, profiles, screenings and workshop sessions in SQLite."""
