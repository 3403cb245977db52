"""The scheduler address is a security boundary: what is accepted, each attack refused with a clear message, and
nothing of Dask loaded when no scheduler is configured."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO
from screening.cluster import address
from screening.core.errors import AnalysisError

GOOD = {
    "tcp://127.0.0.1:8786": "tcp://127.0.0.1:8786",
    "  tcp://127.0.0.1:40001 ": "tcp://127.0.0.1:40001",
    "tcp://127.0.0.1": "tcp://127.0.0.1:8786",                       # dask scheduler's default port
    "tcp://127.8.9.10:1": "tcp://127.8.9.10:1",                       # all of 127.0.0.0/8 is loopback
    "TCP://LocalHost:8786": "tcp://localhost:8786",
    "tcp://[::1]:8786": "tcp://[::1]:8786",
    "tcp://[0:0:0:0:0:0:0:1]:8786": "tcp://[::1]:8786",
    "tls://scheduler.example.org:8786": "tls://scheduler.example.org:8786",
    "tls://10.1.2.3:8786": "tls://10.1.2.3:8786",
    "tls://[2001:db8::7]:8786": "tls://[2001:db8::7]:8786",
}

# (address, words of the message): each an attack or a mistake, all refused whatever the opt-in says
ALWAYS_REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("127.0.0.1:8786", "no scheme"),
    ("scheduler:8786", "no scheme"),
    ("inproc://127.0.0.1/1234/1", "only tls:// and tcp://"),
    ("ucx://127.0.0.1:8786", "only tls:// and tcp://"),
    ("ws://127.0.0.1:8786", "only tls:// and tcp://"),
    ("file:///etc/passwd", "only tls:// and tcp://"),
    ("http://127.0.0.1:8786", "only tls:// and tcp://"),
    ("tcp://user:secret@127.0.0.1:8786", "HOST:PORT and nothing else"),          # user info
    ("tcp://127.0.0.1:8786@evil.example.com", "HOST:PORT and nothing else"),
    ("tcp://127.0.0.1:8786/../../x", "HOST:PORT and nothing else"),              # a path
    ("tcp://127.0.0.1:8786?next=evil", "HOST:PORT and nothing else"),            # a query
    ("tcp://127.0.0.1:8786#x", "HOST:PORT and nothing else"),
    ("tcp://127.0.0.1:8786\\evil", "HOST:PORT and nothing else"),
    ("tcp://127.0.0.1:87%386", "HOST:PORT and nothing else"),                    # percent-encoding
    ("tcp://127.0.0.1:8786\nX-Injected: 1", "control characters"),               # a second line
    ("tcp://127.0.0.1:8786\x00", "control characters"),
    ("tcp://127.0.0.1 :8786", "spaces"),
    ("tcp://１２７.0.0.1:8786", "outside ASCII"),                                # full-width digits
    ("tcp://lоcalhost:8786", "outside ASCII"),                                  # a Cyrillic o
    ("tcp://" + "a" * 400 + ":8786", "longer than"),
    ("tcp://127.0.0.1:0", "port"),
    ("tcp://127.0.0.1:65536", "port"),
    ("tcp://127.0.0.1:99999", "port"),
    ("tcp://127.0.0.1:-1", "HOST:PORT and nothing else"),
    ("tcp://127.0.0.1:87a6", "HOST:PORT and nothing else"),
    ("tcp://0.0.0.0:8786", "0.0.0.0"),
    ("tcp://127.1:8786", "four decimal numbers"),                               # inet_aton reads 127.0.0.1
    ("tcp://2130706433:8786", "four decimal numbers"),                          # 127.0.0.1 as one number
    ("tcp://0x7f.0.0.1:8786", "four decimal numbers"),                          # hexadecimal
    ("tcp://0177.0.0.1:8786", "four decimal numbers"),                          # octal
    ("tcp://-oProxyCommand=x:8786", "HOST:PORT and nothing else"),              # option injection
    ("tcp://-evil:8786", "neither a host name nor an IP"),
    ("tcp://local_host:8786", "HOST:PORT and nothing else"),
    ("tcp://a..b:8786", "neither a host name nor an IP"),
    ("tcp://localhost.:8786", "neither a host name nor an IP"),
    ("tcp://example.123:8786", "neither a host name nor an IP"),
    ("tcp://[::1%eth0]:8786", "HOST:PORT and nothing else"),                    # an IPv6 zone
    ("TCP://", "HOST:PORT and nothing else"),
    ("tcp://[::12345]:8786", "not an IPv6 address"),
    ("tcp://[127.0.0.1]:8786", "not an IPv6 address"),
    ("tcp://<script>alert(1)</script>:8786", "HOST:PORT and nothing else"),
    ("tcp://**bold**:8786", "HOST:PORT and nothing else"),
]

# plain tcp:// to anything but this machine: refused unless the user opts in
REMOTE_TCP = ["tcp://10.0.0.5:8786", "tcp://scheduler.example.org:8786", "tcp://localhost.example.com:8786",
              "tcp://127.0.0.1.nip.io:8786", "tcp://[::ffff:127.0.0.1]:8786", "tcp://[2001:db8::1]:8786",
              "tcp://192.168.1.20"]


@pytest.mark.parametrize("text", sorted(GOOD))
def test_good_addresses_are_taken_in_canonical_form(text):
    assert address.check(text) == GOOD[text]


@pytest.mark.parametrize("text,words", ALWAYS_REFUSED)
def test_each_attack_is_refused_with_a_clear_message_that_never_quotes_it(text, words):
    for allow in (False, True):
        with pytest.raises(AnalysisError) as e:
            address.check(text, allow_insecure=allow)
        message = str(e.value)
        assert e.value.code == "bad_scheduler" and e.value.fix
        assert message.startswith("The Dask scheduler address was refused: ") and words in message
        hostile = text.strip().split("://")[-1]
        assert len(hostile) < 4 or hostile not in message + e.value.fix    # the string itself is never echoed


@pytest.mark.parametrize("text", REMOTE_TCP)
def test_plain_tcp_to_another_machine_needs_the_explicit_opt_in(text):
    with pytest.raises(AnalysisError) as e:
        address.check(text)
    assert "unencrypted and unauthenticated" in str(e.value) and address.INSECURE_ENV in e.value.fix
    assert address.check(text, allow_insecure=True).startswith("tcp://")
    assert address.check("tls" + text[3:]).startswith("tls://")             # the same host over TLS is fine


def test_the_environment_variables(monkeypatch):
    monkeypatch.delenv(address.SCHEDULER_ENV, raising=False)
    monkeypatch.delenv(address.INSECURE_ENV, raising=False)
    assert address.configured() is None
    monkeypatch.setenv(address.SCHEDULER_ENV, "  ")
    assert address.configured() is None                                     # empty: as if unset
    monkeypatch.setenv(address.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    with pytest.raises(AnalysisError, match="unencrypted"):
        address.configured()
    for yes in ("1", "yes", "TRUE", "on"):
        monkeypatch.setenv(address.INSECURE_ENV, yes)
        assert address.configured() == "tcp://10.0.0.5:8786"
    for no in ("0", "no", "off", ""):
        monkeypatch.setenv(address.INSECURE_ENV, no)
        with pytest.raises(AnalysisError, match="unencrypted"):
            address.configured()
    monkeypatch.setenv(address.INSECURE_ENV, "maybe; rm -rf /")
    with pytest.raises(AnalysisError) as e:
        address.configured()
    assert "must be 1 or 0" in str(e.value) and "rm -rf" not in str(e.value)


@pytest.mark.parametrize("where,words", [("tcp://10.0.0.5:8786", "unencrypted and unauthenticated"),
                                         ("tls://127.0.0.1:9", "needs Dask's TLS certificates")])
def test_the_cli_refuses_a_bad_address_before_writing_anything(where, words, tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    proc = subprocess.run([sys.executable, "-m", "screening", "batch", str(tmp_path), "--test", "squat",
                           "--scheduler", where, "--out", str(tmp_path / "out")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and words in proc.stderr and "What to do" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_without_a_scheduler_the_app_and_cli_load_nothing_of_dask():
    """KNEESCREEN_SCHEDULER unset: importing every module the app and the CLI import at start-up loads no Dask."""
    code = ("import sys, runpy\n"
            "import screening.cli, screening.ui.analysis, screening.ui.workshop_run, screening.ui.live_page\n"
            "from screening.cluster import address\n"
            "assert address.configured() is None\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    env = {k: v for k, v in os.environ.items() if k != address.SCHEDULER_ENV}
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_readme_compose_file_keeps_the_cluster_private_and_on_tls():
    """The README's compose file (not run here: no container engine) parses, and says what the README's
    security warning says: TLS between every part, only the HTTPS front published, scheduler and workers on an
    internal network."""
    yaml = pytest.importorskip("yaml")
    text = (REPO / "README.md").read_text()
    block = text[text.index("# compose.yaml"):]
    compose = yaml.safe_load(block[:block.index("```")])
    services = compose["services"]
    assert {"scheduler", "worker", "app1", "app2", "https"} <= set(services)
    for name, service in services.items():
        if name.startswith("app"):
            where = service["environment"]["KNEESCREEN_SCHEDULER"]
            assert address.check(where).startswith("tls://") and service["environment"][
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT"]
    for name in ("scheduler", "worker"):
        assert "--tls-cert" in services[name]["command"] and services[name]["networks"] == ["cluster"]
    assert "tls://scheduler:8786" in services["worker"]["command"]
    assert [n for n, s in services.items() if "ports" in s] == ["https"]
    assert compose["networks"]["cluster"]["internal"] is True
    assert "lb_policy cookie" in compose["configs"]["caddyfile"]["content"]      # a session stays on one server
