"""Streamlit pages of KneeScreen; imports the engine, never the reverse."""
