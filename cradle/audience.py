"""Who the parent is: mum, dad-or-partner, or parent. Values from users are untrusted."""

from __future__ import annotations

import re

AUDIENCES = ("mum", "dad-or-partner", "parent")
_DAD = re.compile(r"\b(dad|dads|father|daddy|partner|husband|boyfriend|step[- ]?dad)\b")
_MUM = re.compile(r"\b(mum|mums|mom|mother|mummy|mam|step[- ]?mum)\b")
_PARENT = re.compile(r"\b(parent|carer|guardian)\b")


def normalise_audience(value: object) -> str | None:
    """Map 'dad', "I'm a dad", 'dad-or-partner' etc. to an audience id; None if unknown."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    text = value.strip().lower()
    if text in AUDIENCES:
        return text
    if _DAD.search(text):
        return "dad-or-partner"
    if _MUM.search(text):
        return "mum"
    if _PARENT.search(text):
        return "parent"
    return None
