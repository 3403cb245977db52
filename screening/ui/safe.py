"""Text from outside (names, file names, imported results, error sentences) made inert for st.markdown."""
from __future__ import annotations

import re

from screening.core.vocab import format_date, parse_date

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$=^])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Streamlit turns bare addresses into links after Markdown is parsed (backslashes do not stop it); an
# invisible word joiner (U+2060) inside '://', 'www.' and '@' does.
_LINKY = re.compile(r"(?i)(:)(//)|(www)(\.)|(@)")
JOIN = "\u2060"


def md(text: object) -> str:
    """`text` shown literally by st.markdown (also with unsafe_allow_html): HTML characters become entities and
    every Markdown character is backslash-escaped, so no tag, image, link, icon, colour or formula can form.
    Bare addresses are kept from becoming links by an invisible word joiner. Line breaks become spaces."""
    s = " ".join(str(text if text is not None else "").split())
    s = _LINKY.sub(lambda m: JOIN.join(g for g in m.groups() if g) if m.group(5) is None else "@" + JOIN, s)
    s = "".join(_HTML.get(ch, ch) for ch in s)
    return _MD.sub(r"\\\1", s)


def date(created: object) -> str:
    """A stored date as format_date writes it (digits, '-', ':' and the zone: nothing Markdown acts on), or
    'date unknown' for anything that is not a date between 1970 and 2199."""
    return format_date(str(created)) if parse_date(created) is not None else "date unknown"
