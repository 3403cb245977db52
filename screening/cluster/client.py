"""The KneeScreen side of a Dask cluster: connect (TLS checked), send a clip as bytes, its queue place, its progress."""
from __future__ import annotations

import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Callable

from distributed import Client, Future, KilledWorker, Security
from distributed.client import FutureCancelledError

from screening.batch import CRASHED
from screening.cluster import work
from screening.core.errors import AnalysisError, Cancelled
from screening.pipeline import AnalysisOptions
from screening.slots import BUSY_FIX, MAX_QUEUE, MAX_WAIT_S

PREFIX = "kneescreen-clip-"       # every clip's task key starts so: the queue counts these tasks only
CONNECT_S = 10.0
WAITING = ("released", "waiting", "queued", "no-worker", "processing")
#: Dask's own settings (environment variable form; the same keys work in Dask's YAML configuration)
TLS_VARS = {"tls_ca_file": "DASK_DISTRIBUTED__COMM__TLS__CA_FILE",
            "tls_client_cert": "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT",
            "tls_client_key": "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY"}
TLS_FIX = (f"Set {TLS_VARS['tls_ca_file']} (the cluster's CA certificate), {TLS_VARS['tls_client_cert']} and "
           f"{TLS_VARS['tls_client_key']} (this machine's certificate and key, signed by that CA), all PEM files; "
           "or distributed.comm.tls in Dask's configuration (README, 'Scaling out').")
UNREACHABLE = "The analysis cluster (Dask scheduler) could not be reached"
UNREACHABLE_FIX = ("Check that `dask scheduler` runs at that address and that this machine may connect to it (for "
                   "tls://, with a certificate signed by the cluster's CA), then try again.")
GONE = "The analysis cluster (Dask scheduler) stopped answering before the analysis was finished."
GONE_FIX = "Try again in a minute; if it keeps happening, the cluster's administrator needs to restart the scheduler."
BUSY = "The analysis cluster is busy: {ahead} {verb} waiting before yours."

warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)   # a clip travels as bytes

_clients: dict[str, Client] = {}
_lock = threading.Lock()
_progress: dict[str, tuple | None] = {}     # task key -> its worker's latest (stage, fraction, message)


def security(address: str) -> Security | None:
    """Dask's TLS settings for a tls:// address (from its configuration: files or DASK_* environment
    variables), checked to name readable files; None for tcp:// (already checked to be allowed)."""
    if not address.startswith("tls://"):
        return None
    sec = Security(require_encryption=True)
    missing = [var for attr, var in TLS_VARS.items() if attr != "tls_client_key" and not getattr(sec, attr)]
    if missing:
        raise AnalysisError("A tls:// scheduler needs Dask's TLS certificates, and " + " and ".join(missing)
                            + (" are" if len(missing) > 1 else " is") + " not set.", "bad_scheduler", TLS_FIX)
    for attr, var in TLS_VARS.items():
        path = getattr(sec, attr)
        if path and not Path(path).is_file():
            raise AnalysisError(f"{var} does not name a readable file.", "bad_scheduler", TLS_FIX)
    return sec


def connect(address: str) -> Client:
    """This process's client for the (checked) address, made on first use and shared by every thread; it
    registers the pose-model worker plugin and listens to the workers' progress events."""
    with _lock:
        client = _clients.get(address)
        if client is not None and client.status == "running":
            return client
        if client is not None:
            client.close()
        try:
            client = Client(address, security=security(address), timeout=CONNECT_S, set_as_default=False,
                            name="kneescreen")
        except (OSError, TimeoutError) as e:
            raise AnalysisError(f"{UNREACHABLE} ({type(e).__name__}).", "cluster_unreachable",
                                UNREACHABLE_FIX) from None
        client.register_plugin(work.ModelPlugin(), name=work.PLUGIN)
        client.subscribe_topic(work.PROGRESS_TOPIC, _on_progress)
        _clients[address] = client
        return client


def _on_progress(event: tuple) -> None:
    """A worker's progress event (in the client's event-loop thread): kept for the clips this process waits for."""
    msg = event[1]
    if isinstance(msg, (list, tuple)) and len(msg) == 4 and msg[0] in _progress:
        _progress[msg[0]] = (str(msg[1]), float(msg[2]), str(msg[3]))


def submit(client: Client, name: str, data: bytes, options: tuple[str, AnalysisOptions], keep_files: bool) -> Future:
    """One clip as a task of its own (the bytes travel in the task, so a worker that dies leaves the
    scheduler able to run it again elsewhere)."""
    key = f"{PREFIX}{uuid.uuid4().hex}"
    return client.submit(work.run_clip, name, data, options, keep_files, work.code_id(), key=key, pure=False)


def _queue_place() -> Callable:
    """A function for Client.run_on_scheduler, made here so cloudpickle sends it by value (the scheduler
    need not have KneeScreen installed): (place of the task among the clips not started yet, 1 = next; 0 when
    it runs or is done) and the workers' threads. Running: what the workers' heartbeats report executing, and
    what a worker with a thread free has been given (it starts it now; heartbeats come every 0.5-1 s)."""
    def place(key: str, prefix: str, waiting: tuple, dask_scheduler=None) -> tuple[int, int]:
        s = dask_scheduler
        threads = sum(ws.nthreads for ws in s.workers.values())
        me = s.tasks.get(key)
        running: set = set()
        for ws in s.workers.values():     # executing, and what a worker with a free thread starts right away
            executing = {ts.key for ts in ws.executing}
            rest = sorted((ts for ts in ws.processing if ts.key not in executing and ts.priority is not None),
                          key=lambda ts: ts.priority)
            running |= executing | {ts.key for ts in rest[:max(0, ws.nthreads - len(executing))]}
        if me is None or me.state not in waiting or key in running or me.priority is None:
            return 0, threads
        ahead = sum(1 for ts in s.tasks.values()
                    if isinstance(ts.key, str) and ts.key.startswith(prefix) and ts.key != key
                    and ts.state in waiting and ts.key not in running and ts.priority is not None
                    and ts.priority < me.priority)
        return ahead + 1, threads
    return place


def place(client: Client, key: str) -> tuple[int | None, int]:
    """(place in the cluster's queue, 1 = next; 0: running or done; None: the scheduler would not say) and
    how many clips the cluster runs at once."""
    try:
        pos, threads = client.run_on_scheduler(_queue_place(), key, PREFIX, WAITING)
        return int(pos), int(threads)
    except (OSError, TimeoutError):
        raise
    except Exception:  # noqa: BLE001 - e.g. a scheduler that does not unpickle functions: no number then
        return None, 0


def _busy(ahead: int) -> AnalysisError:
    return AnalysisError(BUSY.format(ahead=ahead, verb="analysis is" if ahead == 1 else "analyses are"), "busy",
                         BUSY_FIX)


def analyse(address: str, name: str, data: bytes, options: tuple[str, AnalysisOptions], *,
            progress: Callable[[str, float, str], None] | None = None,
            should_cancel: Callable[[], bool] | None = None, max_queue: int = MAX_QUEUE,
            max_wait_s: float = MAX_WAIT_S) -> dict:
    """One clip (its bytes and file name) analysed on the cluster, outputs in memory: the outcome dict of
    batch._analyse_one ('result', 'video', 'stills', 'csv'). While it waits, progress('queue', 0, 'you are
    number k in the queue ...') from the cluster's queue; then the worker's own stages. Raises AnalysisError
    (the clip's own error; 'busy' past max_queue waiting or max_wait_s; 'cluster_unreachable';
    'cluster_gone'), or Cancelled when should_cancel() turns true (the worker stops the clip too)."""
    say, stop = progress or (lambda *a: None), should_cancel or (lambda: False)
    client = connect(address)
    fut = submit(client, name, data, options, keep_files=False)
    key = str(fut.key)
    _progress[key] = None
    ready = threading.Event()
    fut.add_done_callback(lambda _: ready.set())
    deadline, started = time.monotonic() + max_wait_s, False
    shown: int | None = -1
    try:
        while not fut.done():
            if stop():
                raise Cancelled()
            if not started:
                pos, threads = place(client, key)
                started = pos == 0
                if pos and (pos > max_queue or time.monotonic() > deadline):
                    raise _busy(pos - 1)
                if not started and pos != shown:
                    shown = pos
                    runs = f"{threads} {'analysis runs' if threads == 1 else 'analyses run'} at once on the cluster"
                    say("queue", 0.0, f"you are number {pos} in the queue ({runs})" if pos else
                        "waiting for a free worker on the cluster")
            latest = _progress.get(key)
            if latest:
                _progress[key] = None
                say(*latest)
            ready.wait(0.5)
        outcome = fut.result()
    except FutureCancelledError:
        raise AnalysisError(GONE, "cluster_gone", GONE_FIX) from None
    except KilledWorker:
        raise AnalysisError(CRASHED, "crashed") from None
    except (OSError, TimeoutError):
        raise AnalysisError(GONE, "cluster_gone", GONE_FIX) from None
    finally:
        _progress.pop(key, None)
        if not fut.done():
            fut.cancel()
        fut.release()
    if outcome["status"] == "cancelled":
        raise Cancelled()
    if outcome["status"] != "ok":
        raise AnalysisError(outcome.get("message", ""), outcome.get("code", "error"), outcome.get("fix", ""))
    return outcome
