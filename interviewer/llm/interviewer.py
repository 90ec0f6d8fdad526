"""The LLM interviewer: the stub's rubric logic decides each move, a model says it the way a person would.

Keeping the decisions deterministic keeps the model honest: it is told what to do (ask this follow-up, answer from
these facts, move to the next step), it never sees what a strong answer covers, and the stub's draft is always there
to fall back on. The prompt is bounded: the current step's last turns (the candidate's words verbatim, the model's own
turns as a few words on what each one did, so it has nothing of its own to copy), earlier steps as one line each.
`model_policy` composes the three parts: the `RubricDecider`, a `ModelVoice` and a `ModelJudge` on one client.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from interviewer.framework import STEP_BY_ID, STEP_IDS, next_step_id
from interviewer.grading.deterministic import grade_step
from interviewer.grading.models import Coverage, StepGrade
from interviewer.llm.client import ModelClient
from interviewer.llm.guard import TurnGuard
from interviewer.llm.judge import ModelJudge
from interviewer.llm.prompts import fence, render
from interviewer.policy import DraftVoice, Policy, RubricDecider, Utterance, View
from interviewer.redact import StreamRedactor
from interviewer.transcript import Role, Turn, TurnKind
from interviewer.usage import Usage

RECENT_TURNS = 8  # turns of the current step given (the candidate's verbatim, the interviewer's in brief)
TURN_CHARS = 1500  # longest turn given verbatim; longer ones are cut in the middle
MAX_GAPS = 5
REPLY_TOKENS = 220
# A model that starts writing the candidate's next turn, or a transcript, is cut off there (at most four: OpenAI).
STOP = ["<candidate", "\nCandidate:", "\nYou:", "\nInterviewer:"]


# What the model is told to do when the candidate asked something of the interviewer (`interviewer.intents`).
_INTENT_MOVES = {
    "repeat": 'The candidate asked you to repeat the question. Repeat it in your own words: "{draft}"',
    "meaning": "The candidate asked what you meant. Rephrase the question more plainly, without suggesting an answer: "
    '"{draft}"',
    "hint": "The candidate asked for a hint. Do not give the answer or list what you are looking for; say this in your "
    'own words: "{draft}"',
    "dont_know": "The candidate said they do not know. Acknowledge it kindly in a few words, then say this in your own "
    'words: "{draft}"',
    "time": 'The candidate asked about the time. Tell them exactly this, in your own words: "{draft}"',
    "thinking": 'The candidate is thinking aloud. Reply in one short sentence: "{draft}"',
    "small_talk": 'Reply briefly and friendly, then steer back to the question: "{draft}"',
    "move_on": 'The candidate asked to skip a step they have not answered yet. Say this in your own words: "{draft}"',
}


# What an interviewer turn did, in a few words: the model's own earlier words are never given back to it (a small model
# copies them: 19 of 71 turns repeated an earlier opening word for word), only what was planned for each turn.
_DID = {
    TurnKind.INTRO: "stated the problem",
    TurnKind.OPENING: "asked the step's opening question",
    TurnKind.FOLLOW_UP: "asked a follow-up question",
    TurnKind.CLARIFICATION: "answered a question from the fact sheet",
    TurnKind.PROMPT: "asked the candidate to go on",
    TurnKind.CURVEBALL: "announced a change of requirements",
    TurnKind.PUSHBACK: "challenged a decision",
    TurnKind.CLOSING: "closed the interview",
}
_INTENT_DID = {
    "repeat": "repeated the question",
    "meaning": "rephrased the question",
    "hint": "answered a request for a hint",
    "dont_know": 'answered an "I don\'t know"',
    "time": "said how much time is left",
    "thinking": "let the candidate think",
    "small_talk": "answered small talk",
    "move_on": "asked whether to move on",
}


def said_in_brief(turn: Turn) -> str:
    """What an interviewer turn did, from its plan (kind, intent, rubric item id), never from its words."""
    did = _INTENT_DID.get(turn.intent or "") or _DID.get(turn.kind, "spoke")
    return f"{did} ({turn.item_id.replace('-', ' ')})" if turn.item_id else did


def clip(text: str, limit: int = TURN_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit // 2] + " […] " + text[-limit // 2 :]


def model_policy(client: ModelClient) -> Policy:
    """The interviewer on a model: the offline interviewer's decisions, said by the model, judged by it at the end."""
    decider = RubricDecider()
    return Policy(decider, ModelVoice(client, decider.step_grade), ModelJudge(client))


@dataclass
class ModelVoice:
    """Says each planned utterance through the model, told what to say (the draft) and what the step still lacks."""

    client: ModelClient = field(repr=False)
    # The current step's running grade, as the decider keeps it: what the model is told the step still lacks.
    step_grade: Callable[[View], StepGrade] = field(repr=False)
    # Summaries of finished steps, by step and replies: they do not change, and grading them each turn costs.
    _summaries: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.client.model

    async def phrase(
        self, utterance: Utterance, view: View, on_usage: Callable[[Usage], None] | None = None
    ) -> AsyncGenerator[str, None]:
        if utterance.kind is TurnKind.INTRO:  # the problem is stated as the case writes it
            async for chunk in DraftVoice().phrase(utterance, view):
                yield chunk
            return
        messages = self.prompt(utterance, view)
        guard = TurnGuard(utterance, view)  # off script: `OffScript`, and the interview says the draft instead
        shown = StreamRedactor()  # a key the server echoes (or the model was fed) never reaches the screen
        chunks = self.client.stream_chat(messages, max_tokens=REPLY_TOKENS, stop=STOP, on_usage=on_usage)
        async with contextlib.aclosing(chunks):  # the request is closed at once when the guard or a cancel stops it
            async for delta in chunks:
                guard.feed(delta)
                if safe := shown.feed(delta):
                    yield safe
        guard.finish()
        if rest := shown.flush():
            yield rest

    # -- the prompt ------------------------------------------------------------------------------------------------

    def prompt(self, utterance: Utterance, view: View) -> list[dict[str, str]]:
        case = view.case
        phase = view.phase
        target = phase
        if utterance.advance_first:
            target = next_step_id(phase) or phase
        current = STEP_BY_ID.get(phase)
        return render(
            "interviewer",
            level=view.level.value,
            title=case.title,
            case_prompt=case.prompt.strip(),
            facts="\n".join(f"- {fact.topic}: {fact.answer.strip()}" for fact in case.facts),
            earlier=self._earlier(view) or "(none yet)",
            step_title=current.title if current else "Introduction",
            step_about=current.about if current else "the problem statement",
            step_turns=self._recent(view) or "(nothing yet)",
            gaps=self._gaps(view) or "(none)",
            move=self._move(utterance, target),
        )

    @staticmethod
    def _move(utterance: Utterance, target: str) -> str:
        draft = " ".join(utterance.text.replace("**", "").split())
        if utterance.kind is TurnKind.CLARIFICATION and "isn't specified" in draft:
            # The keyword match found nothing for some part: the model may find it in the facts above, and only there.
            return (
                "Answer the candidate's question using only the fact sheet above. For any part the fact sheet does not "
                "cover, say it is not specified and ask the candidate to state an assumption; never invent a number. "
                f'What the offline interviewer would say: "{draft}"'
            )
        if utterance.kind is TurnKind.CLARIFICATION:
            return f'Answer the candidate\'s question using only this information, in your own words: "{draft}"'
        if utterance.kind is TurnKind.FOLLOW_UP:
            return f'Ask this follow-up question in your own words, without hinting at an answer: "{draft}"'
        if utterance.kind is TurnKind.PUSHBACK:
            return (
                "Challenge the decision the candidate just made, in your own words, as an interviewer would; never say "
                f'what the right answer is: "{draft}"'
            )
        if utterance.kind is TurnKind.CURVEBALL:
            return (
                "Tell the candidate that a requirement has changed, in your own words, keeping every number exactly, "
                f'and ask how their design changes: "{draft}"'
            )
        if utterance.intent in _INTENT_MOVES:
            return _INTENT_MOVES[utterance.intent].format(draft=draft)
        if utterance.kind is TurnKind.CLOSING:
            return "The interview is over. Thank the candidate in one sentence; give no feedback and no grade."
        if utterance.kind is TurnKind.OPENING:
            step = STEP_BY_ID[target]
            return (
                f"Move the interview on to the next step, {step.title}. Acknowledge the last answer in a few neutral "
                f'words at most, then ask the step\'s opening question in your own words: "{draft}"'
            )
        return (
            "The candidate's last reply was very short or could not be understood. Say this in your own words: "
            f'"{draft}"'
        )

    @staticmethod
    def _recent(view: View) -> str:
        lines = []
        for turn in view.step_turns[-RECENT_TURNS:]:
            if turn.role is Role.CANDIDATE:
                lines.append(f"Candidate: {fence(clip(turn.text), 'candidate')}")
            elif turn.role is Role.INTERVIEWER:
                lines.append(f"(you {said_in_brief(turn)})")
        return "\n".join(lines)

    def _earlier(self, view: View) -> str:
        """One line per earlier step: what it covered, so the interviewer neither repeats nor contradicts it."""
        lines = []
        answers: dict[str, list[str]] = {}
        for turn in view.turns:
            if turn.role is Role.CANDIDATE:
                answers.setdefault(turn.step, []).append(turn.text)
        for step_id in STEP_IDS:
            if step_id == view.phase:
                break
            texts = answers.get(step_id)
            if not texts:
                lines.append(f"- {STEP_BY_ID[step_id].short}: skipped")
                continue
            key = (step_id, tuple(texts))
            if key not in self._summaries:
                graded = grade_step(view.case, step_id, texts, view.level)
                covered = ", ".join(graded.ids(Coverage.COVERED)) or "nothing specific"
                self._summaries[key] = f"- {STEP_BY_ID[step_id].short}: discussed {covered}"
            lines.append(self._summaries[key])
        return "\n".join(lines)

    def _gaps(self, view: View) -> str:
        if view.phase not in STEP_IDS:
            return ""
        graded = self.step_grade(view)
        missing = [item for item in graded.items if item.counted and item.coverage is not Coverage.COVERED]
        missing.sort(key=lambda item: -item.weight)
        return "\n".join(f"- {view.case.item(view.phase, item.id).follow_up}" for item in missing[:MAX_GAPS])
