"""The safety net: every message is classified into a tier before anything else happens.

`classify(text)` is the one entry point; see net.py for how the layers combine.
"""

from cradle.safety.lexicon import LexiconError, SafetyDetector, get_detector
from cradle.safety.net import SafetyNet, classify, get_net, in_conversation
from cradle.safety.result import RESPONSES, SafetyResult
from cradle.tiers import TIERS, tier_rank

__all__ = [
    "RESPONSES",
    "TIERS",
    "LexiconError",
    "SafetyDetector",
    "SafetyNet",
    "SafetyResult",
    "classify",
    "get_detector",
    "get_net",
    "in_conversation",
    "tier_rank",
]
