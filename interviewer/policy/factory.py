"""The interviewer for the settings: the offline stub, or a model behind an OpenAI-compatible endpoint."""

from __future__ import annotations

from interviewer.policy.base import Policy
from interviewer.settings import Settings


def make_policy(settings: Settings) -> Policy:
    if not settings.uses_model:
        from interviewer.policy.stub import StubPolicy

        return StubPolicy()
    from interviewer.llm.client import ModelClient  # the SDKs load only now, when a model is really used
    from interviewer.llm.interviewer import LLMPolicy

    return LLMPolicy(client=ModelClient(settings))
