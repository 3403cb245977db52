"""Text from outside (names, file names, imported results, error sentences) made inert for st.markdown."""
from __future__ import annotations

import re

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$=^])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: object) -> str:
    """`text` shown literally by st.markdown (also with unsafe_allow_html): HTML characters become entities and
    every Markdown character is backslash-escaped, so no tag, image, link, icon, colour or formula can form.
    Line breaks become spaces."""
    s = " ".join(str(text if text is not None else "").split())
    s = "".join(_HTML.get(ch, ch) for ch in s)
    return _MD.sub(r"\\\1", s)
