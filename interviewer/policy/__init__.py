"""The interviewer: what it decides, how it says it, and who judges at the end.

Import from here; the modules behind it are internal (tests reach into them). `Policy()` is the offline
interviewer; a model back end composes `Policy(decider, voice, judge)` with its own voice and judge
(`interviewer.llm.interviewer.model_policy`) over the same `RubricDecider`.
"""

from interviewer.policy._policy import Policy
from interviewer.policy.base import (
    Action,
    AdvanceReason,
    Decider,
    Decision,
    Judge,
    Utterance,
    View,
    Voice,
    opening_question,
)
from interviewer.policy.stub import RubricDecider
from interviewer.policy.voice import DraftVoice

__all__ = [
    "Action",
    "AdvanceReason",
    "Decider",
    "Decision",
    "DraftVoice",
    "Judge",
    "Policy",
    "RubricDecider",
    "Utterance",
    "View",
    "Voice",
    "opening_question",
]
