"""A real Dask cluster for the tests and benchmarks/cluster_speed.py: `dask scheduler` and `dask worker --nthreads 1`
processes on 127.0.0.1 (ports chosen free by the OS), each in its own process group, always killed at the end."""
from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent                      # workers import this checkout's package (the tests' and the benchmark's)
PRELOAD = HERE / "stub_worker.py"


def dask_command() -> list[str]:
    """The `dask` command of this Python environment."""
    exe = Path(sys.executable).with_name("dask")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "dask"]


class DaskCluster:
    """scheduler + n workers; `tls`: {"ca", "cert", "key"} PEM paths for every role (tls:// then)."""

    def __init__(self, folder: Path, workers: int = 2, tls: dict | None = None, preload: bool = True):
        self.folder, self.tls, self.preload = folder, tls, preload
        self.folder.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.address = ""
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        self.env.pop("KNEESCREEN_SCHEDULER", None)
        atexit.register(self.close)               # whatever happens to the caller, no process outlives it
        try:
            self._start(workers)
        except BaseException:
            self.close()
            raise

    def _tls_args(self) -> list[str]:
        if not self.tls:
            return []
        return ["--tls-ca-file", self.tls["ca"], "--tls-cert", self.tls["cert"], "--tls-key", self.tls["key"]]

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        proc = subprocess.Popen(dask_command() + args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.folder)
        log.close()
        self.procs[name] = proc
        return proc

    def _start(self, workers: int) -> None:
        info = self.folder / "scheduler.json"
        info.unlink(missing_ok=True)
        self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--dashboard-address", "127.0.0.1:0",      # its HTTP endpoints: loopback too
                                  "--scheduler-file", str(info), "--protocol", "tls" if self.tls else "tcp"]
                    + self._tls_args())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.address:
            if self.procs["scheduler"].poll() is not None:
                raise RuntimeError("dask scheduler exited: " + self.log("scheduler"))
            try:
                self.address = json.loads(info.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        if not self.address:
            self.close()
            raise RuntimeError("dask scheduler did not start: " + self.log("scheduler"))
        for i in range(workers):
            self.add_worker(f"w{i}")
        self.client = self._client()
        if workers:
            self.wait_for_workers(workers)

    def _client(self):
        """The tests' own client (to watch and steer the cluster; KneeScreen makes its own)."""
        from distributed import Client, Security
        sec = Security(tls_ca_file=self.tls["ca"], tls_client_cert=self.tls["cert"], tls_client_key=self.tls["key"],
                       require_encryption=True) if self.tls else None
        return Client(self.address, security=sec, timeout=30, set_as_default=False)

    def wait_for_workers(self, n: int, timeout: float = 120) -> None:
        try:
            self.client.wait_for_workers(n, timeout=timeout)
        except Exception:
            logs = "\n".join(self.log(name) for name in self.procs)
            self.close()
            raise RuntimeError("the workers did not join: " + logs[-4000:])

    def executing(self) -> dict[str, list[str]]:
        """Worker name -> keys of the tasks it runs now (from the workers themselves)."""
        return {info["name"]: keys for addr, keys in self.client.run(
                    lambda dask_worker: [str(k) for k in dask_worker.active_keys]).items()
                for a, info in self.client.scheduler_info(n_workers=-1)["workers"].items() if a == addr}

    def add_worker(self, name: str) -> subprocess.Popen:
        args = ["worker", self.address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                "--dashboard-address", "127.0.0.1:0", "--name", name,
                "--local-directory", str(self.folder / name), "--death-timeout", "30"] + self._tls_args()
        return self._spawn(name, args + (["--preload", str(PRELOAD)] if self.preload else []))

    def log(self, name: str) -> str:
        try:
            return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def kill(self, name: str) -> None:
        """kill -9 a process and its children (a worker: its nanny and the worker process)."""
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def close(self) -> None:
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            try:
                client.close(timeout=5)
            except Exception:  # noqa: BLE001 - the scheduler may be gone already
                pass
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)      # and whatever the group still holds
            except ProcessLookupError:
                pass
            if proc.poll() is None:
                proc.wait(timeout=30)


def self_signed(folder: Path, name: str) -> dict[str, str]:
    """A self-signed certificate and key (PEM files; CA:true, for 127.0.0.1 and localhost), used as the cluster's
    CA and as every role's certificate, as Dask's own Security.temporary() does: {"ca", "cert", "key"} paths."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / f"{name}-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                               serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
    (folder / f"{name}-key.pem").chmod(0o600)
    return {"ca": str(folder / f"{name}.pem"), "cert": str(folder / f"{name}.pem"),
            "key": str(folder / f"{name}-key.pem")}


def tls_environment(tls: dict[str, str]) -> dict[str, str]:
    """Dask's TLS settings for a client, as the environment variables KneeScreen documents."""
    return {"DASK_DISTRIBUTED__COMM__TLS__CA_FILE": tls["ca"], "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": tls["cert"],
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": tls["key"]}
