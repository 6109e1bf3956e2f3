"""The safety tiers, in order. A tiny module so that code which only needs the names (the
insight log, reports, the CLI) does not load spaCy."""

from __future__ import annotations

TIERS = ("none", "support", "urgent", "emergency")
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}


def tier_rank(tier: str) -> int:
    """Order tiers so that max() picks the more serious one."""
    return _RANK[tier]
