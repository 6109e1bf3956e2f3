"""The frozen "calling and help coming" set, read by `make bench-after-crisis`.

Right after crisis help, a parent says she is calling ("its ringing, im on hold"), that help is
on its way ("the ambulance is coming, do i just wait"), or that she has not called and will not
or cannot ("no credit", "theyll take her off me"). The first two get their own replies from the
channel (content/safety/check_in.yml, `calling` and `help_coming`); the third must never be
told "You've done the right thing by calling". The set (tests/safety/calling/, written blind:
docs/briefs/calling-and-help-coming.md) is counted, never shown: it stays unseen.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cradle.paths import PROJECT_ROOT
from cradle.responses import message
from cradle.safety.after_crisis import (
    Conversation,
    Replies,
    is_crisis_help,
    load_conversations,
    not_understood_texts,
    reply_texts,
)
from cradle.turn import CALLING_AFTER_MEDICAL, HELP_ON_THE_WAY, on_the_way_reply

CALLING_SETS = PROJECT_ROOT / "tests" / "safety" / "calling"
WHOSE = ("self", "baby")
LABELS = ("calling", "help_coming", "not_calling")
# The channel's replies this set is about, by the name the report gives them.
_REPLIES = {
    "calling": ("crisis_calling", CALLING_AFTER_MEDICAL),
    "coming": ("crisis_help_coming",),
}


def load_calling(folder: Path = CALLING_SETS) -> list[Conversation]:
    """Every frozen part, refused if its checksum no longer matches or an entry is malformed."""
    return load_conversations(folder, WHOSE, LABELS)


def calling_report(pairs: list[tuple[Conversation, Replies]]) -> list[str]:
    """Per kind and label, of the conversations whose first message got crisis help: second
    replies that are the calling reply, the help-coming reply, the reply to "Help is on the
    way", show 999, are crisis help again, or say "Sorry, I didn't understand"."""
    replies_text = {
        name: {" ".join(message(key)["text"].split()) for key in keys}
        for name, keys in _REPLIES.items()
    }
    on_the_way = _on_the_way_texts()
    unclear = not_understood_texts()
    counts: Counter[tuple[str, str, str]] = Counter()
    for conversation, replies in pairs:
        whose, label = conversation.whose, conversation.label
        counts[(whose, label, "total")] += 1
        if not is_crisis_help(replies.first):
            continue  # a missed first message is the frozen safety parts' business
        counts[(whose, label, "first")] += 1
        said = [" ".join(t.split()) for t in reply_texts(replies.second)]
        for name, texts in replies_text.items():
            counts[(whose, label, name)] += any(t in texts for t in said)
        counts[(whose, label, "on the way")] += any(t in on_the_way for t in said)
        counts[(whose, label, "999")] += any("999" in t for t in said)
        counts[(whose, label, "again")] += is_crisis_help(replies.second)
        counts[(whose, label, "lost")] += any(t in unclear for t in said)
    lines = [
        "calling and help coming, right after crisis help (frozen calling set), of the",
        "conversations whose first message got crisis help: second reply is the calling reply /",
        " the help-coming reply / the reply to 'Help is on the way' (after a medical emergency or",
        " tablets) / shows 999 / is crisis help again / says it didn't understand",
    ]
    for whose in WHOSE:
        for label in LABELS:
            n = counts[(whose, label, "first")]
            lines.append(
                f"  {whose:4s} {label:11s} first {n:3d}/{counts[(whose, label, 'total')]:<3d} "
                + " ".join(
                    f"{name} {counts[(whose, label, key)]:3d}/{n:<3d}"
                    for name, key in (
                        ("calling", "calling"),
                        ("coming", "coming"),
                        ("on the way", "on the way"),
                        ("999", "999"),
                        ("again", "again"),
                        ("not understood", "lost"),
                    )
                )
            )
    return lines


def _on_the_way_texts() -> frozenset[str]:
    """The reply to the "Help is on the way" button, after each reply whose check-in asks "Is
    help on the way?" (a medical emergency, tablets taken), spaces collapsed."""
    return frozenset(on_the_way_reply(r) for r in HELP_ON_THE_WAY)
