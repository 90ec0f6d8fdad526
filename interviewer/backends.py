"""Composition: the interviewer for the settings, the offline stub or a model behind an OpenAI-compatible endpoint.

The one place outside the commands that may import `interviewer.llm` (see the layers in `pyproject.toml`).
"""

from __future__ import annotations

from interviewer.policy import Policy
from interviewer.settings import Settings


def make_policy(settings: Settings) -> Policy:
    if not settings.uses_model:
        return Policy()
    from interviewer.llm.client import ModelClient  # the SDKs load only now, when a model is really used
    from interviewer.llm.interviewer import model_policy

    return model_policy(ModelClient(settings))
