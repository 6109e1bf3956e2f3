"""`make bench`: replay multi-turn conversations through the REST channel at concurrency 1, 10
and 50, for Cradle and for a default `rasa init` assistant in the same run, then for Cradle's
scale-out profile (two Rasa replicas taking turns in round-robin from the client, PostgreSQL
tracker store, Redis lock store, one action server) at concurrency 50, and print latency,
throughput, errors, peak memory and training time. It prints figures; it asserts nothing.
`make bench-scale` runs the scale-out part alone.

Cradle and the baseline run side by side and are measured in alternating rounds (`--rounds`,
the order reversed every other round), so a slow spell of a shared machine falls on both; the
ratio is printed per round and as the median. One short run of each, one after the other, gave
ratios of 1.76 and 1.12 on the same code (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cradle.catalogue.build import build_catalogue
from cradle.launcher import (
    BIN,
    DEFAULT_MODEL,
    PROJECT_ROOT,
    Stack,
    StackConfig,
    free_port,
    scale_out_env,
)
from cradle.paths import content_dir
from cradle.throwaway_postgres import postgres_server
from cradle.throwaway_redis import redis_server

CRADLE_TURNS = ["hello", "i feel so low since the baby came", "yes please", "Rugby", "thanks"]
BASELINE_TURNS = ["hello", "I am sad", "yes", "goodbye"]
PARTS = ("cradle", "baseline", "scale")


@dataclass
class LevelResult:
    concurrency: int
    messages: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def _post(url: str, sender: str, text: str) -> bool:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        data = json.load(reply)
    return isinstance(data, list) and bool(data)


def run_level(
    urls: list[str], turns: list[str], concurrency: int, conversations: int, prefix: str
) -> LevelResult:
    """Each message goes to the next of `urls` in turn (round-robin, as a load balancer would)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    next_url = itertools.cycle(urls)

    def conversation(number: int) -> None:
        nonlocal errors
        sender = f"{prefix}-{concurrency}-{number}"
        for text in turns:
            with lock:
                url = next(next_url)
            started = time.perf_counter()
            try:
                ok = _post(url, sender, text)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(conversations)))
    seconds = time.perf_counter() - started
    return LevelResult(concurrency, len(latencies), errors, seconds, latencies)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def child_pids(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_by_process(name: str, pid: int) -> dict[str, float]:
    """The process's peak RSS and, when it has forked workers (several Sanic workers), each
    worker's: a worker holds its own copy of the model, so each is reported."""
    peaks = {name: peak_rss_mb(pid)}
    for number, child in enumerate(child_pids(pid), start=1):
        peaks[f"{name} worker {number}"] = peak_rss_mb(child)
    return peaks


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,  # noqa: S603
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def wait_for(check: Callable[[], bool], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not become ready")


# Conversations per concurrent client at each level: enough turns that one level lasts seconds,
# not a fraction of one (at 2 per client a level at concurrency 10 lasted about 1.5 s).
PER_CLIENT = 6


@dataclass(frozen=True)
class Side:
    """One assistant under test: where to send, and the conversation to replay."""

    name: str
    urls: list[str]
    turns: list[str]


def measure(side: Side, levels: list[int], prefix: str) -> list[LevelResult]:
    return [
        run_level(side.urls, side.turns, level, max(4, level * PER_CLIENT), f"{prefix}-{level}")
        for level in levels
    ]


def interleave(
    sides: list[Side], levels: list[int], rounds: int
) -> dict[str, list[list[LevelResult]]]:
    """Every side at every level, `rounds` times; the order of the sides reversed every other
    round. Returns each side's results, one list of levels per round."""
    for side in sides:
        for url in side.urls:
            _post(url, f"{side.name}-warmup", side.turns[0])
    results: dict[str, list[list[LevelResult]]] = {side.name: [] for side in sides}
    for number in range(rounds):
        for side in sides if number % 2 == 0 else sides[::-1]:
            results[side.name].append(measure(side, levels, f"{side.name}-r{number}"))
    return results


def pooled(rounds: list[list[LevelResult]]) -> list[LevelResult]:
    """One result per level from several rounds: messages, errors, time and latencies summed."""
    return [
        LevelResult(
            level[0].concurrency,
            sum(r.messages for r in level),
            sum(r.errors for r in level),
            sum(r.seconds for r in level),
            [ms for r in level for ms in r.latencies_ms],
        )
        for level in zip(*rounds, strict=True)
    ]


def print_table(name: str, results: list[LevelResult]) -> None:
    print(f"\n{name}")
    print(
        f"{'conc':>5} {'msgs':>6} {'err':>4} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for r in results:
        print(
            f"{r.concurrency:5d} {r.messages:6d} {r.errors:4d} {r.rate:7.1f} "
            f"{statistics.median(r.latencies_ms):8.1f} {r.pct(0.95):8.1f} {r.pct(0.99):8.1f}"
        )


def train_cradle(work: Path, env: dict[str, str]) -> float:
    """A full `rasa train` of Cradle into `work`, timed (not a cache hit)."""
    return timed(
        [
            str(BIN / "rasa"),
            "train",
            "--data",
            "bot/data",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--out",
            str(work / "models"),
            "--fixed-model-name",
            "cradle",
            "--force",
        ],
        PROJECT_ROOT,
        env,
    )


@contextlib.contextmanager
def cradle_stack(
    config: StackConfig, name: str
) -> Iterator[tuple[Side, Callable[[], dict[str, float]]]]:
    """Cradle's stack, replayed round-robin over its Rasa servers; and its peak memory."""
    with Stack(config) as stack:
        urls = [f"{url}/webhooks/rest/webhook" for url in stack.rasa_urls()]
        yield (
            Side(name, urls, CRADLE_TURNS),
            lambda: {
                name: mb
                for p in stack.procs
                for name, mb in peak_rss_by_process(p.name, p.popen.pid).items()
            },
        )


def bench_cradle(
    config: StackConfig, levels: list[int], prefix: str
) -> tuple[list[LevelResult], dict[str, float]]:
    """Start the stack, replay Cradle's conversations round-robin over its Rasa servers."""
    with cradle_stack(config, prefix) as (side, rss):
        results = interleave([side], levels, rounds=1)[prefix][0]
        return results, rss()


def bench_scale_out(
    work: Path, model: Path, catalogue: Path, levels: list[int]
) -> tuple[list[LevelResult], dict[str, float]]:
    """Two Rasa replicas, PostgreSQL tracker store, Redis lock store, one action server."""
    with postgres_server() as pg_url, redis_server() as redis:
        config = StackConfig.on_free_ports(
            replicas=2,
            model=model,
            var=work / "var-scale",
            catalogue=catalogue,
            endpoints="endpoints.scale.yml",
            extra_env=scale_out_env(pg_url, redis.port),
            rasa_workers=1,  # one process per replica: two replicas on two cores
        )
        return bench_cradle(config, levels, "scale")


@contextlib.contextmanager
def baseline_server(work: Path, env: dict[str, str]) -> Iterator[tuple[float, Side, int]]:
    """`rasa init` in a temporary folder and its server: init time, the side, the server pid."""
    base_dir = work / "baseline"
    base_dir.mkdir()  # rasa init wants an existing folder
    init_s = timed(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(base_dir)],
        PROJECT_ROOT,
        env,
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=base_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        wait_for(lambda: _post(url, "probe", "hello"))
        yield init_s, Side("baseline", [url], BASELINE_TURNS), server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def print_ratios(title: str, ours: list[LevelResult], theirs: list[LevelResult]) -> None:
    print(f"\n{title}")
    by_level = {r.concurrency: r for r in theirs}
    for c in ours:
        b = by_level.get(c.concurrency)
        if b is None or not b.rate:
            continue
        print(
            f"  concurrency {c.concurrency:2d}: throughput x{c.rate / b.rate:.2f}, "
            f"p50 x{statistics.median(c.latencies_ms) / statistics.median(b.latencies_ms):.2f}"
            f", p95 x{c.pct(0.95) / b.pct(0.95):.2f}"
        )


def round_ratios(
    ours: list[list[LevelResult]], theirs: list[list[LevelResult]]
) -> dict[int, list[float]]:
    """Throughput ratio per level, one per round (each round's pair measured back to back)."""
    ratios: dict[int, list[float]] = {}
    for our_round, their_round in zip(ours, theirs, strict=True):
        for c, b in zip(our_round, their_round, strict=True):
            if b.rate:
                ratios.setdefault(c.concurrency, []).append(c.rate / b.rate)
    return ratios


def print_round_ratios(ratios: dict[int, list[float]]) -> None:
    print("  throughput ratio by round (median):")
    for level, values in ratios.items():
        rounds = ", ".join(f"x{v:.2f}" for v in values)
        print(f"    concurrency {level:2d}: {rounds} (median x{statistics.median(values):.2f})")


def print_rss(rss: dict[str, float]) -> None:
    print("peak RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,10,50", help="concurrency levels (1,10,50)")
    parser.add_argument(
        "--scale-levels", default="50", help="concurrency levels of the scale-out run (50)"
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="which runs, of cradle,baseline,scale (all)"
    )
    parser.add_argument("--skip-baseline", action="store_true", help="same as leaving it out")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of Cradle and the baseline (3)"
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    scale_levels = [int(x) for x in args.scale_levels.split(",")]
    parts = [part for part in args.parts.split(",") if part in PARTS]
    if args.skip_baseline and "baseline" in parts:
        parts.remove("baseline")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(PROJECT_ROOT))
    work = Path(tempfile.mkdtemp(prefix="cradle-bench-"))
    print(
        f"load benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f} at the start"
    )
    try:
        model = DEFAULT_MODEL
        cradle: list[LevelResult] = []
        rss: dict[str, float] = {}
        catalogue = work / "catalogue.db"
        build_catalogue(content_dir() / "services", catalogue)
        side_by_side = "cradle" in parts and "baseline" in parts
        with contextlib.ExitStack() as running:
            sides: list[Side] = []
            if "cradle" in parts:
                train_s = train_cradle(work, env)
                print(f"\nCradle training: {train_s:.0f} s")
                model = work / "models" / "cradle.tar.gz"
                config = StackConfig.on_free_ports(
                    model=model, var=work / "var", catalogue=catalogue
                )
                side, cradle_rss = running.enter_context(cradle_stack(config, "cradle"))
                sides.append(side)
            if "baseline" in parts:
                init_s, base_side, base_pid = running.enter_context(baseline_server(work, env))
                print(f"Baseline `rasa init` (init + training): {init_s:.0f} s")
                sides.append(base_side)
            rounds = args.rounds if side_by_side else 1
            if side_by_side:
                print(f"Cradle and the baseline side by side, {rounds} alternating rounds")
            results = interleave(sides, levels, rounds)
            if "cradle" in parts:
                cradle = pooled(results["cradle"])
                print_table(
                    f"Cradle (REST channel, SQLite tracker store, {config.rasa_workers} Rasa "
                    "workers sharing the SQLite lock store)",
                    cradle,
                )
                rss = cradle_rss()
                print_rss(rss)
            if "baseline" in parts:
                baseline = pooled(results["baseline"])
                print_table(
                    "Baseline: default rasa init assistant (DIET + TED), same machine", baseline
                )
                base_rss = peak_rss_mb(base_pid)
                print(f"peak RSS MB: rasa {base_rss:.0f}")
            if side_by_side:
                print_ratios("Cradle / baseline (all rounds pooled)", cradle, baseline)
                print_round_ratios(round_ratios(results["cradle"], results["baseline"]))
                rasa_peak = max(mb for name, mb in rss.items() if name.startswith("rasa"))
                print(f"  Rasa server peak RSS per process x{rasa_peak / base_rss:.2f}")
        if "scale" in parts:
            scaled, scale_rss = bench_scale_out(work, model, catalogue, scale_levels)
            print_table(
                "Cradle scale-out (2 Rasa replicas, round-robin from the client; PostgreSQL "
                "tracker store, Redis lock store; 1 action server)",
                scaled,
            )
            print_rss(scale_rss)
            if cradle:
                print_ratios(
                    "Scale-out / the single-machine profile (SQLite, its Rasa workers)",
                    scaled,
                    cradle,
                )
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
