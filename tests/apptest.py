"""AppTest helpers shared by the UI tests and the other layers' app checks: start, open a page, read texts."""
from __future__ import annotations

from conftest import REPO
from streamlit.testing.v1 import AppTest

from screening.ui import state

APP = str(REPO / "app.py")


def start(**session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in session.items():
        at.session_state[k] = v
    return at.run()


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open a page registered by st.navigation (callable pages have no file for at.switch_page)."""
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path]
    assert hashes, f"no page {url_path!r}; known: {[i.get('url_pathname') for i in at._registered_pages.values()]}"
    at._page_hash = hashes[0]
    return at.run()


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for kind in ("title", "header", "subheader", "info", "warning", "error", "success")
              for x in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _upload_step(name: str, data: bytes, mime: str = "video/mp4") -> AppTest:
    at = start(**{state.STEP: "upload", state.TEST: "squat"})
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.button(key="analyse").disabled
    at.button(key="analyse").click().run(timeout=120)
    return at


def create_workspace(at: AppTest) -> str:
    """Create a workspace through the UI and return the key it shows (once)."""
    goto(at, "my-screenings")
    at.button(key="ws_create").click().run()
    no_errors(at)
    key = at.code[0].value
    assert "shown only once" in "\n".join(w.value for w in at.warning)
    assert f"?key={key}" in texts(at)                    # the bookmark link
    at.button(key="ws_key_kept").click().run()
    assert not at.code, "the key must not be shown again"
    return key
