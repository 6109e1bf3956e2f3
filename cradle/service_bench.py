"""`make bench-services`: the frozen sets' service requests, end to end through the real servers.

Issue 12 asks that every message asking for services gets services in that turn. The frozen
held-out NLU parts (tests/nlu/frozen.yml and every frozen_N.yml, written blind) hold 30, 17, 34,
30, 36, 36, 37, 32 and 33 such requests in parts 1 to 9; each is sent as the first message of a new
conversation to Cradle's REST channel on a throwaway stack, and the reply is counted as
answered when its contract names at least one service. Only the counts are printed, not the
messages: the sets must stay unseen by whoever writes training data. A part whose checksum no
longer matches is refused.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from cradle.frozen import nlu_parts, read_frozen
from cradle.paths import PROJECT_ROOT

FROZEN = PROJECT_ROOT / "tests" / "nlu" / "frozen.yml"


def frozen_parts() -> dict[str, Path]:
    """Every frozen NLU part, part 1 first; the later ones are the fresher checks."""
    return {f"part {n}": path for n, path in nlu_parts(FROZEN.parent).items()}


_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def service_requests(path: Path = FROZEN) -> list[str]:
    """The frozen set's `find_services` examples, as a parent would type them."""
    data = yaml.safe_load(read_frozen(path))
    for block in data.get("nlu") or []:
        if block.get("intent") == "find_services":
            lines = str(block.get("examples", "")).splitlines()
            return [_ANNOTATION.sub(r"\1", ln[2:]).strip() for ln in lines if ln.startswith("- ")]
    return []


def report(title: str, contracts: list[dict]) -> str:
    """How many of these replies (reply contracts) gave services, crisis help, or neither."""
    answered = sum(bool(c.get("services")) for c in contracts)
    is_crisis = [c.get("safety") in ("urgent", "emergency") for c in contracts]
    crisis = sum(is_crisis)
    neither = sum(
        c.get("topic") is None and not c.get("services") and not was_crisis
        for c, was_crisis in zip(contracts, is_crisis, strict=True)
    )
    return (
        f"{title}, each as a new conversation: {len(contracts)}\n"
        f"  answered with services in the same turn: {answered}/{len(contracts)}\n"
        f"  answered with crisis help instead: {crisis}\n"
        f"  answered with neither a topic nor services: {neither}"
    )


def main() -> int:
    from cradle.launcher import bench_stack, post_message

    parts = {name: service_requests(path) for name, path in frozen_parts().items()}
    with bench_stack() as url:
        replies = {
            name: [
                post_message(url, f"services-{name.replace(' ', '')}-{i}", text)[-1]["custom"]
                for i, text in enumerate(requests)
            ]
            for name, requests in parts.items()
        }
    for name, contracts in replies.items():
        print(report(f"Service requests in the frozen NLU set, {name}", contracts))
    print("  (the messages are not shown: the sets stay unseen by whoever writes training data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
