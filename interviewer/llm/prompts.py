"""Prompt templates from `prompts/*.yaml`, as langchain-core `ChatPromptTemplate`s rendered to chat messages."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from interviewer.catalog import PACKAGE_DIR
from interviewer.errors import InterviewerError

ROLE = {"system": "system", "human": "user", "ai": "assistant"}


def prompts_dir() -> Path:
    checkout = PACKAGE_DIR.parent / "prompts"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_prompts"


@lru_cache(maxsize=8)
def template(name: str) -> Any:
    from langchain_core.prompts import ChatPromptTemplate

    from interviewer.yamlfile import load_document

    doc = load_document(prompts_dir() / f"{name}.yaml")
    if not isinstance(doc.data, dict) or not {"system", "human"} <= set(doc.data):
        raise InterviewerError(f"{doc.path}: a prompt file needs `system` and `human` templates")
    return ChatPromptTemplate.from_messages([("system", doc.data["system"]), ("human", doc.data["human"])])


def render(name: str, **variables: Any) -> list[dict[str, str]]:
    """The prompt as OpenAI chat messages."""
    messages = template(name).format_messages(**variables)
    return [{"role": ROLE.get(message.type, "user"), "content": str(message.content)} for message in messages]


def fence(text: str, tag: str) -> str:
    """Candidate text between <tag> and </tag>, unable to close or open the tag itself: it stays data."""
    escaped = re.sub(rf"<\s*(/?)\s*{tag}", rf"< \1{tag}", text, flags=re.IGNORECASE)
    return f"<{tag}>{escaped}</{tag}>"
