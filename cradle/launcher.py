"""Start Cradle's three processes (action server, Rasa, web server) and stop them cleanly.

Used by `make run` (through `cradle serve`) and by the integration tests, so the tests exercise
exactly what a user runs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cradle import warm_marks
from cradle.paths import PROJECT_ROOT, catalogue_path, var_dir

DEFAULT_MODEL = PROJECT_ROOT / "models" / "cradle.tar.gz"
# Rasa runs its NLU and policies on one core per process; a second worker process uses the
# machine's second core (docs/performance.md, eighth session).
DEFAULT_RASA_WORKERS = 2
BIN = Path(sys.executable).parent


class LaunchError(RuntimeError):
    """Something stops Cradle from starting; the message says what and how to fix it."""


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free now (for tests that start their own stack)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _http(url: str, data: dict | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(
        url,
        data=body,
        method="POST" if body else "GET",  # noqa: S310
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - loopback
            return reply.status, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def page_origins(host: str, port: int) -> tuple[str, ...]:
    """The origins a browser may give for the web server's page: on loopback a person may type
    localhost or 127.0.0.1."""
    hosts = ("127.0.0.1", "localhost") if host in ("127.0.0.1", "localhost") else (host,)
    return tuple(f"http://{h}:{port}" for h in hosts)


def scale_out_env(postgres_url: str, redis_port: int) -> dict[str, str]:
    """The variables endpoints.scale.yml reads, for a PostgreSQL URL and a Redis on loopback."""
    url = urllib.parse.urlsplit(postgres_url)
    return {
        "CRADLE_PG_HOST": url.hostname or "127.0.0.1",
        "CRADLE_PG_PORT": str(url.port or 5432),
        "CRADLE_PG_DB": url.path.lstrip("/") or "postgres",
        "CRADLE_PG_USER": url.username or "postgres",
        "CRADLE_PG_PASSWORD": url.password or "",
        "CRADLE_REDIS_HOST": "127.0.0.1",
        "CRADLE_REDIS_PORT": str(redis_port),
        "CRADLE_REDIS_PASSWORD": "",
        "CRADLE_REDIS_DB": "1",
    }


def parse_rasa_workers(raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 16:
        raise ValueError(f"give a whole number of Rasa workers from 1 to 16, not {raw!r}")
    return int(raw)


def default_rasa_workers() -> int:
    """CRADLE_RASA_WORKERS, else DEFAULT_RASA_WORKERS."""
    raw = os.environ.get("CRADLE_RASA_WORKERS", "").strip()
    try:
        return parse_rasa_workers(raw) if raw else DEFAULT_RASA_WORKERS
    except ValueError as err:
        raise LaunchError(f"CRADLE_RASA_WORKERS: {err}") from err


@dataclass
class StackConfig:
    host: str = "127.0.0.1"
    web_port: int = 8080
    rasa_port: int = 5005
    actions_port: int = 5055
    model: Path = DEFAULT_MODEL
    var: Path = field(default_factory=var_dir)
    catalogue: Path = field(default_factory=catalogue_path)
    extra_env: dict[str, str] = field(default_factory=dict)
    ready_timeout: float = 180.0
    debug_logs: bool = False  # Rasa at DEBUG: the tests use it to prove no text is logged
    endpoints: str = "endpoints.yml"  # endpoints.scale.yml for PostgreSQL + Redis
    extra_rasa_ports: tuple[int, ...] = ()  # more Rasa replicas (scale-out profile)
    # Sanic worker processes per Rasa server, sharing the SQLite lock store (endpoints.yml).
    rasa_workers: int = field(default_factory=default_rasa_workers)

    @classmethod
    def on_free_ports(cls, replicas: int = 1, **fields: Any) -> StackConfig:
        """A stack on ports nobody is using (tests, benches, profiles), with `replicas` Rasa
        servers; the other fields as given."""
        return cls(
            web_port=free_port(),
            rasa_port=free_port(),
            actions_port=free_port(),
            extra_rasa_ports=tuple(free_port() for _ in range(replicas - 1)),
            **fields,
        )

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def chat_url(self) -> str:
        """The web chat channel, reached directly (nginx makes it /api/chat in production)."""
        return f"{self.rasa_url}/webhooks/web_chat/webhook"


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path


class Stack:
    """The running processes. Use as a context manager, or call start() and stop()."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.procs: list[Proc] = []
        # hex: a token starting with "-" would be read by rasa's argument parser as an option
        self.api_token = secrets.token_hex(24)
        self.session_secret = secrets.token_hex(32)  # used when CRADLE_SESSION_SECRET is unset

    def env(self) -> dict[str, str]:
        cfg = self.config
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            TF_CPP_MIN_LOG_LEVEL="3",
            CRADLE_VAR_DIR=str(cfg.var),
            CRADLE_CATALOGUE=str(cfg.catalogue),
            CRADLE_TRACKER_DB=str(cfg.var / "tracker.db"),
            CRADLE_LOCK_DB=str(cfg.var / "locks.db"),
            SANIC_WORKERS=str(cfg.rasa_workers),  # Rasa's own variable
            CRADLE_WARM_DIR=str(self.warm_dir),
            CRADLE_ACTION_URL=f"{cfg.actions_url}/webhook",
            CRADLE_RASA_URL=cfg.rasa_url,
            CRADLE_INSIGHTS_DB=str(cfg.var / "insights.db"),
            SANIC_HOST=cfg.host,  # rasa_sdk's only way to choose the interface it listens on
            # Without nginx the page (web server) and the chat (Rasa's web_chat channel) are on
            # two ports: the widget is told where the chat is, and the chat allows the page.
            CRADLE_CHAT_URL=cfg.chat_url,
            CRADLE_PAGE_ORIGINS=" ".join(page_origins(cfg.host, cfg.web_port)),
            # Every Rasa replica must sign web sessions with the same key.
            CRADLE_SESSION_SECRET=os.environ.get("CRADLE_SESSION_SECRET") or self.session_secret,
        )
        env.update(self.config.extra_env)
        return env

    def check(self) -> None:
        cfg = self.config
        ports = [
            ("web server", cfg.web_port),
            ("Rasa", cfg.rasa_port),
            ("action server", cfg.actions_port),
        ]
        ports += [("Rasa replica", port) for port in cfg.extra_rasa_ports]
        for name, port in ports:
            if port_in_use(cfg.host, port):
                raise LaunchError(
                    f"port {port} ({name}) is already in use on {cfg.host}. Is Cradle already "
                    f"running? Stop it, or free the port (see `ss -ltnp | grep {port}`)."
                )
        if not cfg.model.is_file():
            raise LaunchError(f"no trained model at {cfg.model}: run `make train` first")
        from cradle.environment import MissingSecret, check_production_secrets

        try:
            check_production_secrets()
        except MissingSecret as err:
            raise LaunchError(str(err)) from err
        from cradle.preflight import PreflightError, preflight

        try:
            preflight(PROJECT_ROOT / cfg.endpoints, self.env())
        except PreflightError as err:
            raise LaunchError(str(err)) from err
        if not cfg.catalogue.is_file():
            raise LaunchError(
                f"no service catalogue at {cfg.catalogue}: run `cradle catalogue build`"
            )

    def _spawn(self, name: str, args: list[str]) -> None:
        logs = self.config.var / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(  # noqa: S603 - fixed argument lists
            args,
            cwd=PROJECT_ROOT,
            env=self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        handle.close()
        self.procs.append(Proc(name, popen, log))

    def commands(self) -> dict[str, list[str]]:
        cfg = self.config
        python, rasa = str(BIN / "python"), str(BIN / "rasa")
        commands = {
            "actions": [
                python,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(cfg.actions_port),
            ],
            "rasa": [
                rasa,
                "run",
                "--model",
                str(cfg.model),
                "--endpoints",
                cfg.endpoints,
                "--credentials",
                "credentials.yml",
                "--interface",
                cfg.host,
                "--port",
                str(cfg.rasa_port),
                "--enable-api",
                "--auth-token",
                self.api_token,
                *(["--debug"] if cfg.debug_logs else []),
            ],
            "web": [
                python,
                "-m",
                "cradle.web",
                "--host",
                cfg.host,
                "--port",
                str(cfg.web_port),
            ],
        }
        for number, port in enumerate(cfg.extra_rasa_ports, start=2):
            replica = list(commands["rasa"])
            replica[replica.index("--port") + 1] = str(port)
            commands[f"rasa-{number}"] = replica
        return commands

    def tracker(self, sender: str, url: str | None = None) -> dict[str, Any]:
        """A conversation's tracker, every event included, from Rasa's HTTP API (tests)."""
        base = url or self.config.rasa_url
        status, body = _http(
            f"{base}/conversations/{sender}/tracker?include_events=ALL&token={self.api_token}",
            timeout=30,
        )
        if status != 200:
            raise LaunchError(f"Rasa answered {status} for the tracker of {sender}")
        tracker: dict[str, Any] = json.loads(body)
        return tracker

    @property
    def warm_dir(self) -> Path:
        """Where each Rasa worker marks that it has warmed up (cradle/warm_marks.py)."""
        return warm_marks.launcher_folder(self.config.var / "run" / "warm")

    def rasa_urls(self) -> list[str]:
        cfg = self.config
        return [cfg.rasa_url, *(f"http://{cfg.host}:{p}" for p in cfg.extra_rasa_ports)]

    def start(self) -> None:
        self.config.var.mkdir(parents=True, exist_ok=True)
        self.check()
        warm_marks.prune(self.warm_dir.parent)
        warm_marks.clear(self.warm_dir)
        for name, args in self.commands().items():
            self._spawn(name, args)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def _check_alive(self) -> None:
        for proc in self.procs:
            if proc.popen.poll() is not None:
                tail = proc.log.read_text(errors="replace").splitlines()[-15:]
                raise LaunchError(
                    f"the {proc.name} process exited (code {proc.popen.returncode}). Last lines "
                    f"of {proc.log}:\n" + "\n".join(tail)
                )

    def _rasa_ready(self, url: str) -> bool:
        parse = f"{url}/model/parse?token={self.api_token}"
        return _http(parse, {"text": "hello"}, timeout=30)[0] == 200

    def wait_ready(self) -> None:
        """Wait until every process answers; Rasa only after a warm-up parse."""
        cfg = self.config
        deadline = time.monotonic() + cfg.ready_timeout
        checks: dict[str, Callable[[], bool]] = {
            "action server": lambda: _http(f"{cfg.actions_url}/health")[0] == 200,
            "web server": lambda: _http(f"{cfg.web_url}/healthz")[0] == 200,
        }
        for url in self.rasa_urls():
            checks[f"Rasa at {url}"] = functools.partial(self._rasa_ready, url)
        # A parse reaches one worker; the others are ready only once they have warmed up.
        workers = len(self.rasa_urls()) * cfg.rasa_workers
        checks[f"{workers} Rasa workers warmed up"] = lambda: (
            warm_marks.warm_workers(self.warm_dir) >= workers
        )
        pending = dict(checks)
        while pending:
            self._check_alive()
            for name, check in list(pending.items()):
                with contextlib.suppress(OSError):
                    if check():
                        del pending[name]
            if pending and time.monotonic() > deadline:
                raise LaunchError(
                    f"not ready after {cfg.ready_timeout:.0f}s: "
                    f"{', '.join(pending)}; see the logs in {cfg.var / 'logs'}"
                )
            if pending:
                time.sleep(0.5)

    def restart(self, name: str) -> None:
        """Start one process again (after a test stopped it) and wait until all are ready."""
        self.procs = [p for p in self.procs if p.popen.poll() is None]
        if not any(p.name == name for p in self.procs):
            self._spawn(name, self.commands()[name])
        self.wait_ready()

    def stop(self) -> None:
        """SIGTERM each process group, then SIGKILL what is left: no orphans."""
        for proc in self.procs:
            if proc.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                proc.popen.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        # Children that outlived their leader are still in the group.
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.popen.pid, signal.SIGKILL)
        self.procs.clear()

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def bench_stack() -> Iterator[str]:
    """Cradle on free ports, with a catalogue built from content/services/ in a temporary
    folder, for a bench that sends messages as a parent's go: yields the REST webhook's URL.
    Everything it wrote is removed afterwards."""
    import tempfile

    from cradle.catalogue.build import build_catalogue
    from cradle.paths import content_dir

    with tempfile.TemporaryDirectory() as work:
        var = Path(work)
        build_catalogue(content_dir() / "services", var / "catalogue.db")
        config = StackConfig.on_free_ports(var=var, catalogue=var / "catalogue.db")
        with Stack(config):
            yield f"{config.rasa_url}/webhooks/rest/webhook"


def post_message(url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """One message to Cradle's REST channel: the messages it sends back, the contract last."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - loopback
        return list(json.load(reply))


def _purge_old_events(config: StackConfig) -> None:
    """Keep the privacy notice's promise: conversation events go after 30 days."""
    from cradle.retention import DEFAULT_DAYS, purge_events, sqlite_url

    try:
        result = purge_events(sqlite_url(str(config.var / "tracker.db")), DEFAULT_DAYS)
        print(
            f"retention: deleted {result.deleted} conversation events older than "
            f"{DEFAULT_DAYS} days and {result.options_deleted} texters' numbered options older "
            "than 24 hours"
        )
    except Exception as err:  # noqa: BLE001 - report and carry on serving
        print(f"retention: purge failed: {err}", file=sys.stderr)


def serve_forever(
    host: str, web_port: int, rasa_port: int, actions_port: int, rasa_workers: int | None = None
) -> int:
    """`make run`: start everything, print where to chat, stop cleanly on Ctrl-C."""
    try:
        workers = rasa_workers or default_rasa_workers()
    except LaunchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    config = StackConfig(
        host=host,
        web_port=web_port,
        rasa_port=rasa_port,
        actions_port=actions_port,
        rasa_workers=workers,
    )
    stack = Stack(config)

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    print(
        "Starting Cradle: action server, Rasa and web server (the first start takes ~30s)...",
        flush=True,
    )
    try:
        stack.start()
    except LaunchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        stack.stop()
        print("\nStopped before Cradle was ready.")
        return 130
    # From here a signal only asks to stop; the loop below notices, so Ctrl-C can never land
    # between two statements and skip the clean shutdown. A plain list, not a threading.Event:
    # Event.set() in a signal handler takes the lock that Event.wait() in the same (main) thread
    # may hold at that moment, and the process hung on Ctrl-C (a CI run, seventeenth session).
    stopping: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _: stopping.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, _: stopping.append(signum))
    print(
        "\nCradle is ready.\n"
        f"  Browser:   {config.web_url}/\n"
        "  Terminal:  make shell\n"
        f"  curl:      curl -s {config.rasa_url}/webhooks/rest/webhook "
        '-H \'Content-Type: application/json\' -d \'{"sender": "me", "message": "hello"}\'\n'
        f"  Logs:      {config.var / 'logs'}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    last_purge = 0.0
    try:
        while not stopping:
            stack._check_alive()
            if time.monotonic() - last_purge > 24 * 3600:
                _purge_old_events(config)
                last_purge = time.monotonic()
            time.sleep(1.0)  # a signal runs its handler during the sleep, taking no lock
    except LaunchError as err:
        print(f"error: {err}", file=sys.stderr)
        stack.stop()
        return 1
    print("\nStopping Cradle...", flush=True)
    stack.stop()
    print("Stopped.", flush=True)
    return 0
