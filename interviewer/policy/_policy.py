"""The interviewer an `Interview` talks to: a decider, a voice and, when a model is in use, a judge."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from interviewer.policy.base import AdvanceReason, Decider, Decision, Judge, Utterance, View, Voice
from interviewer.policy.stub import RubricDecider
from interviewer.policy.voice import DraftVoice
from interviewer.usage import Usage


@dataclass
class Policy:
    """Decisions and voice, composed: `Policy()` is the offline interviewer, and a model back end plugs in its own
    voice and judge (`interviewer.llm.interviewer.model_policy`) over the same decisions."""

    decider: Decider = field(default_factory=RubricDecider)
    voice: Voice = field(default_factory=DraftVoice)
    judge: Judge | None = None

    @property
    def name(self) -> str:
        return self.voice.name

    def introduce(self, view: View) -> str:
        return self.decider.introduce(view)

    def open_step(self, view: View, reason: AdvanceReason) -> str:
        return self.decider.open_step(view, reason)

    def respond(self, view: View) -> Decision:
        return self.decider.respond(view)

    def confirm_skip(self, view: View) -> str:
        return self.decider.confirm_skip(view)

    def close(self, view: View) -> str:
        return self.decider.close(view)

    def phrase(
        self, utterance: Utterance, view: View, on_usage: Callable[[Usage], None] | None = None
    ) -> AsyncGenerator[str, None]:
        return self.voice.phrase(utterance, view, on_usage)
