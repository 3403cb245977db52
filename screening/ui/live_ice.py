"""The live camera's STUN/TURN (ICE) servers: from the environment or secrets.toml, validated."""
from __future__ import annotations

import json
import os

import streamlit as st

ICE_ENV = "KNEESCREEN_ICE_SERVERS"
URL_SCHEMES = ("stun:", "turn:", "turns:")


def parse_ice_servers(text: str | None) -> tuple[list[dict], str | None]:
    """ICE servers from JSON text (a list of {"urls", "username"?, "credential"?}); ([], error) if invalid.

    Nothing is configured by default: on localhost and a home network the browser and the server reach
    each other directly. A public deployment needs a STUN and usually a TURN server of its own."""
    if not text or not text.strip():
        return [], None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        return [], f"{ICE_ENV} is not valid JSON ({e.msg})."
    out = []
    for item in raw if isinstance(raw, list) else [{}]:
        urls = item.get("urls") if isinstance(item, dict) else None
        urls = [urls] if isinstance(urls, str) else urls
        if not urls or not all(isinstance(u, str) and u.startswith(URL_SCHEMES) for u in urls):
            return [], f"{ICE_ENV} must be a JSON list of {{\"urls\": \"stun:...\" or \"turn:...\"}} entries."
        entry = {"urls": urls}
        for k in ("username", "credential"):
            if isinstance(item.get(k), str):
                entry[k] = item[k]
        out.append(entry)
    return out, None


def ice_servers() -> tuple[list[dict], str | None]:
    """From the environment variable, else `ice_servers` (the same JSON) in .streamlit/secrets.toml."""
    text = os.environ.get(ICE_ENV)
    if text is None:
        try:
            text = st.secrets.get("ice_servers")
        except Exception:  # noqa: BLE001 - no secrets file: nothing configured
            text = None
        if text is not None and not isinstance(text, str):
            text = json.dumps([dict(x) for x in text]) if isinstance(text, list) else None
    return parse_ice_servers(text)
