"""Read a py-spy flame graph (SVG) back into numbers: where the samples went, by function and
by package, so docs/performance.md can say what each graph shows.

py-spy's SVG (drawn by inferno) gives every frame its depth (`y`), its first sample (`fg:x`)
and its sample count (`fg:w`), so the call tree can be rebuilt exactly. Frames too narrow to
draw (under 0.1% of the samples) are left out of the SVG; their time counts as their
parent's own time here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(
    r'<g><title>(?P<title>[^<]*)</title><rect [^>]*?y="(?P<y>[\d.]+)"[^>]*?'
    r'fg:x="(?P<x>\d+)" fg:w="(?P<w>\d+)"'
)
_SAMPLES = re.compile(r" \([\d,]+ samples?, [\d.]+%\)$")
_LOCATION = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
# Folders that name a package's files in py-spy's short paths ("rasa/core/processor.py").
_SITE = re.compile(r"(?:site-packages|dist-packages|lib/python3\.\d+)/")
# Inclusive time is listed for these packages only: the event loop and the web framework
# below them are in nearly every sample and say nothing.
INCLUSIVE_PACKAGES = frozenset({"cradle", "bot", "actions", "rasa", "rasa_sdk"})
# The servers' start-up frames, under which every sample falls.
_ENTRY = re.compile(
    r"^(?:<module> .*|.* \((?:rasa/__main__\.py|rasa/cli/.*|rasa/api\.py|rasa/core/run\.py"
    r"|rasa_sdk/__main__\.py)\)|run \(rasa_sdk/endpoint\.py\))$"
)


@dataclass
class Frame:
    name: str  # "handle_message (rasa/core/processor.py:123)"
    depth: int
    start: int
    samples: int
    children: list[Frame] = field(default_factory=list)

    @property
    def function(self) -> str:
        """The frame without its line number: "handle_message (rasa/core/processor.py)"."""
        match = _LOCATION.match(self.name)
        if not match:
            return self.name
        return f"{match['function']} ({match['file']})"

    @property
    def package(self) -> str:
        """The top-level package or module the frame's code lives in ("rasa", "asyncio")."""
        match = _LOCATION.match(self.name)
        if not match:
            return self.name
        path = _SITE.split(match["file"])[-1].lstrip("/")
        head = path.split("/", 1)[0]
        return head.removesuffix(".py") or path

    @property
    def own_samples(self) -> int:
        return self.samples - sum(child.samples for child in self.children)


@dataclass
class Summary:
    total: int
    by_package: list[tuple[str, int]]  # own samples
    by_function_own: list[tuple[str, int]]
    # INCLUSIVE_PACKAGES only, below the start-up frames; recursion counted once
    by_function_total: list[tuple[str, int]]

    def share(self, samples: int) -> float:
        return 100.0 * samples / self.total if self.total else 0.0


def parse(svg: str) -> Frame:
    """The call tree of a py-spy flame graph; the root is py-spy's "all" frame."""
    frames = []
    for match in _FRAME.finditer(svg):
        title = _SAMPLES.sub("", html.unescape(match["title"]))
        frames.append(Frame(title, int(float(match["y"])), int(match["x"]), int(match["w"])))
    if not frames:
        return Frame("all", 0, 0, 0)
    # py-spy draws icicles (root at the top): depth grows with y.
    depths = sorted({frame.depth for frame in frames})
    level = {y: number for number, y in enumerate(depths)}
    by_level: dict[int, list[Frame]] = {}
    for frame in frames:
        frame.depth = level[frame.depth]
        by_level.setdefault(frame.depth, []).append(frame)
    root = by_level[0][0]
    for depth in range(1, len(depths)):
        parents = sorted(by_level.get(depth - 1, []), key=lambda f: f.start)
        for frame in by_level.get(depth, []):
            parent = next(
                (p for p in parents if p.start <= frame.start < p.start + p.samples), None
            )
            if parent is not None:
                parent.children.append(frame)
    return root


def summarise(root: Frame, top: int = 10) -> Summary:
    own_by_package: Counter[str] = Counter()
    own_by_function: Counter[str] = Counter()
    total_by_function: Counter[str] = Counter()

    def walk(frame: Frame, above: frozenset[str]) -> None:
        function = frame.function
        if frame is not root:
            own_by_package[frame.package] += frame.own_samples
            own_by_function[function] += frame.own_samples
            listed = frame.package in INCLUSIVE_PACKAGES and not _ENTRY.match(function)
            if listed and function not in above:
                total_by_function[function] += frame.samples
        for child in frame.children:
            walk(child, above | {function})

    walk(root, frozenset())
    return Summary(
        total=root.samples,
        by_package=own_by_package.most_common(top),
        by_function_own=own_by_function.most_common(top),
        by_function_total=total_by_function.most_common(top),
    )


def summarise_file(path: Path, top: int = 10) -> Summary:
    return summarise(parse(path.read_text(encoding="utf-8")), top)


def format_summary(title: str, summary: Summary, top: int = 8) -> str:
    """A plain-text report: own time by package and by function, and inclusive time."""
    lines = [f"{title}: {summary.total} samples"]
    if not summary.total:
        return lines[0] + " (the process ran no Python code while the loop ran)"
    sections = [
        ("own time by package", summary.by_package),
        ("own time by function", summary.by_function_own),
        ("inclusive time, Cradle's and Rasa's functions", summary.by_function_total),
    ]
    for heading, rows in sections:
        lines.append(f"  {heading}:")
        lines.extend(
            f"    {summary.share(samples):5.1f}%  {name}" for name, samples in rows[:top] if samples
        )
    return "\n".join(lines)
