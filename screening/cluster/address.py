"""The scheduler address, checked at the boundary: tls:// anywhere, plain tcp:// only to this machine unless allowed."""
from __future__ import annotations

import ipaddress
import os
import re
import socket

from screening.core.errors import AnalysisError

SCHEDULER_ENV = "KNEESCREEN_SCHEDULER"            # the app: submit analyses to this Dask scheduler
INSECURE_ENV = "KNEESCREEN_SCHEDULER_INSECURE"     # "1": allow plain tcp:// to another machine (a network you trust)
DEFAULT_PORT = 8786                                # `dask scheduler`'s own default
MAX_LEN = 300
FIX = ("Give the address as tls://HOST:PORT (with Dask's TLS certificates, see the README's 'Scaling out'), or "
       "tcp://127.0.0.1:PORT for a scheduler on this machine.")
INSECURE = ("A plain tcp:// address is unencrypted and unauthenticated: anyone who can reach that scheduler can "
            "run code on its workers and read the videos sent to it, and a false scheduler could send code to "
            "this machine. It is accepted only on this machine (127.0.0.1, ::1, localhost).")
INSECURE_FIX = (f"Use tls:// with Dask's TLS certificates (README, 'Scaling out'); only on a private network you "
                f"trust, set {INSECURE_ENV}=1 (or pass --insecure-tcp) to allow plain tcp:// there.")
_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,15})://")
_FORM = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::(?P<port>[0-9]{1,5}))?")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_YES, _NO = ("1", "yes", "true", "on"), ("", "0", "no", "false", "off")


def _refuse(why: str, fix: str = FIX) -> AnalysisError:
    """The error for a refused address. Its text never quotes the address: it may be hostile (it is shown in
    the app and the terminal)."""
    return AnalysisError(f"The Dask scheduler address was refused: {why}", "bad_scheduler", fix)


def _host(text: str) -> tuple[str, bool]:
    """(the host as written to connect to, whether it is this machine's loopback)."""
    if text.startswith("["):
        try:
            ip6 = ipaddress.IPv6Address(text[1:-1])
        except ValueError:
            raise _refuse("the part in [brackets] is not an IPv6 address.") from None
        return f"[{ip6.compressed}]", ip6.is_loopback
    try:
        ip4 = ipaddress.IPv4Address(text)
    except ValueError:
        ip4 = None
    if ip4 is not None:
        if ip4.is_unspecified:
            raise _refuse("0.0.0.0 means 'every address' when listening; connect to a real address.")
        return str(ip4), ip4.is_loopback
    try:   # "127.1", "2130706433", "0x7f.1": forms the C resolver reads as an IP address; only a.b.c.d is taken
        socket.inet_aton(text)
        raise _refuse("write an IPv4 address as four decimal numbers (a.b.c.d).")
    except OSError:
        pass
    labels = text.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise _refuse("the host is neither a host name nor an IP address.")
    name = text.lower()
    return name, name == "localhost"


def check(text: object, allow_insecure: bool = False) -> str:
    """The address in canonical form (scheme://host:port) when it is acceptable, else AnalysisError
    'bad_scheduler'. Accepted: tls://HOST[:PORT] (certificates come from Dask's configuration, checked when
    connecting); tcp:// only to this machine's loopback, or anywhere with allow_insecure. No user name, path,
    query, spaces or other characters; the port defaults to 8786."""
    if not isinstance(text, str) or not text.strip():
        raise _refuse("it is empty.")
    raw = text.strip()
    if len(raw) > MAX_LEN:
        raise _refuse(f"it is longer than {MAX_LEN} characters.")
    if not raw.isascii() or not raw.isprintable() or any(c.isspace() for c in raw):
        raise _refuse("it contains spaces, control characters or characters outside ASCII.")
    lead = _SCHEME.match(raw)
    if lead is None:
        raise _refuse("it has no scheme; it must start with tls:// or tcp://.")
    scheme = lead["scheme"].lower()
    if scheme not in ("tls", "tcp"):
        raise _refuse(f"only tls:// and tcp:// are accepted, not {scheme}://.")
    form = _FORM.fullmatch(raw, lead.end())
    if form is None:
        raise _refuse("after the scheme it must be HOST:PORT and nothing else (no user name, path or query).")
    host, local = _host(form["host"])
    port = int(form["port"]) if form["port"] else DEFAULT_PORT
    if not 1 <= port <= 65535:
        raise _refuse("the port must be a number from 1 to 65535.")
    if scheme == "tcp" and not local and not allow_insecure:
        raise _refuse(INSECURE, INSECURE_FIX)
    return f"{scheme}://{host}:{port}"


def insecure_allowed() -> bool:
    """KNEESCREEN_SCHEDULER_INSECURE: 1/yes/true/on or 0/no/false/off (or unset); anything else is refused."""
    value = os.environ.get(INSECURE_ENV, "").strip().lower()
    if value not in _YES + _NO:
        raise AnalysisError(f"{INSECURE_ENV} must be 1 or 0 (yes or no).", "bad_scheduler", INSECURE_FIX)
    return value in _YES


def configured() -> str | None:
    """The checked address from KNEESCREEN_SCHEDULER, or None when it is unset or empty (analyses then run in
    this process, as without Dask). A value that is set but not acceptable raises AnalysisError."""
    raw = os.environ.get(SCHEDULER_ENV, "")
    if not raw.strip():
        return None
    return check(raw, allow_insecure=insecure_allowed())
