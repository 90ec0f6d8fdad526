"""How the offline interviewer says things: the phrasebook its drafts are written from (acknowledgements,
transitions, answers to the candidate's intents, time), and `DraftVoice`, which says a draft as it is.

Deterministic for a given transcript (a variant is chosen by how many turns the interviewer has had), so tests stay
exact, yet the same words do not come back every turn. Nothing here knows what a rubric item covers: an
acknowledgement only ever repeats a phrase the candidate said.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

from interviewer.framework import STEP_BY_ID, TOTAL_MINUTES, Step, start_of
from interviewer.policy.base import AdvanceReason, Utterance, View
from interviewer.usage import Usage

CHUNK_CHARS = 24  # the draft is streamed in pieces, as a model's words are, so front ends have one path


@dataclass
class DraftVoice:
    """The offline interviewer's voice: the draft, word for word."""

    name: str = "stub"

    async def phrase(
        self, utterance: Utterance, view: View, on_usage: Callable[[Usage], None] | None = None
    ) -> AsyncGenerator[str, None]:
        text = utterance.text
        for start in range(0, len(text), CHUNK_CHARS):
            yield text[start : start + CHUNK_CHARS]


def pick(options: tuple[str, ...], turn: int) -> str:
    return options[turn % len(options)]


def _angle(step: Step) -> str:
    """What a step is about, as words to put in a sentence (never a rubric item)."""
    return step.about.rstrip(".").lower()


_ACKNOWLEDGE: dict[AdvanceReason, tuple[str, ...]] = {
    AdvanceReason.START: ("",),
    AdvanceReason.COVERED: ("Good. ", "Thanks, that's clear. ", "Okay, that's a good picture. ", "Got it. "),
    AdvanceReason.FOLLOW_UPS_SPENT: ("Okay, let's leave it there. ", "Fair enough. ", "Alright. "),
    AdvanceReason.CANDIDATE: ("Sure, let's move on. ", "Okay, moving on. "),
    AdvanceReason.TIME: ("We're over time on that part, so let's move on. ",),
}
_ACKNOWLEDGE_SAID = (
    "Thanks, noted on {phrase}. ",
    "Okay, {phrase}, got it. ",
    "Right, {phrase}. ",
)
_TRANSITION = ("Next step: **{title}**. ", "On to the next step: **{title}**. ", "The next step: **{title}**. ")


def acknowledge(reason: AdvanceReason, turn: int, phrase: str | None = None) -> str:
    """The words that close a step; with `phrase` (the candidate's own words) when the step ended covered."""
    if phrase and reason is AdvanceReason.COVERED:
        return pick(_ACKNOWLEDGE_SAID, turn).format(phrase=phrase)
    return pick(_ACKNOWLEDGE[reason], turn)


def transition(step: Step, turn: int, first: bool) -> str:
    if first:
        return start_of(step)
    return pick(_TRANSITION, turn).format(title=step.title)


def repeat(question: str, turn: int) -> str:
    return pick(("Sure. {q}", "Of course, here it is again: {q}", "No problem. {q}"), turn).format(q=question)


def repeat_answer(answer: str, question: str, turn: int) -> str:
    """The last fact answer again, and the question still open."""
    return pick(("Sure: {a} And the question is still: {q}", "Of course. {a} So, back to: {q}"), turn).format(
        a=answer, q=question
    )


def meaning(step: Step, question: str, turn: int) -> str:
    about = _angle(step)
    return pick(
        (
            "Put another way: in this part I'm interested in {about}. The question was: {q}",
            "I mean it broadly: this step is about {about}. So: {q}",
        ),
        turn,
    ).format(about=about, q=question)


# How `pushback` opens a challenge; said again to explain it, the opener would be repeated word for word.
_CHALLENGE_OPENER = re.compile(r"^(?:Let me push (?:on|back on) (?:that|one thing)\.|Hold on:)\s*")


def meaning_of_challenge(challenge: str, turn: int) -> str:
    return pick(
        (
            "I'm questioning that decision rather than asking for more detail. {q}",
            "I mean: I'm not sure that choice holds up here, and I'd like your reasoning. {q}",
        ),
        turn,
    ).format(q=_CHALLENGE_OPENER.sub("", challenge))


def decline_hint(step: Step, turn: int) -> str:
    about = _angle(step)
    return pick(
        (
            "I'd rather not steer you to a particular answer; how you approach it is part of what I'm listening for. "
            "Think about {about}: what matters most here?",
            "I won't give you a checklist, but a good place to start is {about}. What stands out to you?",
        ),
        turn,
    ).format(about=about)


def narrow(question: str, turn: int) -> str:
    return pick(("Let me narrow it down. {q}", "Let's make it more concrete. {q}"), turn).format(q=question)


def dont_know(question: str | None, turn: int) -> str:
    if question is None:
        return "That's fine, thanks for saying so. Let's move on; we can come back to it if there's time."
    return pick(
        (
            "That's fine, saying so beats guessing. Let's try a simpler angle: {q} If you'd rather, ask for the next "
            "step and we'll move on.",
            "No problem. Try this smaller piece first: {q} Or we can move on if you prefer.",
        ),
        turn,
    ).format(q=question)


def nudge(question: str, count: int, unreadable: bool) -> str:
    """A very short or unreadable reply: vary the prompt, and say so when it could not be read."""
    if unreadable:
        return pick(
            ("Sorry, I didn't catch that. {q}", "I couldn't follow that one. Let me ask again: {q}"), count
        ).format(q=question)
    return pick(
        (
            "Take your time. Walk me through your thinking.",
            "Could you say a bit more? {q}",
            "Even a rough first idea helps. {q}",
        ),
        count,
    ).format(q=question)


def dont_know_yet(step: Step, turn: int) -> str:
    about = _angle(step)
    return pick(
        (
            "That's fine, saying so beats guessing. Start with whatever you'd want to know or decide first here: {a}. "
            "Or ask for the next step and we'll move on.",
            "No problem. Pick any one of these to start with: {a}. Or we can move on if you prefer.",
        ),
        turn,
    ).format(a=about)


def thinking(turn: int) -> str:
    return pick(("Sure, take your time.", "Take a moment; go ahead when you're ready."), turn)


_GREETING = ("hi", "hello", "hey", "how are you", "nice to meet", "good morning", "good afternoon", "good evening")


def small_talk(reply: str, question: str, turn: int) -> str:
    said = reply.lower()
    if "how are you" in said or "how is it going" in said:
        return f"Doing well, thanks. Whenever you're ready: {question}"
    if any(said.startswith(greeting) for greeting in _GREETING):
        return f"Nice to meet you too. Whenever you're ready: {question}"
    if said.startswith(("thanks", "thank you")):
        return f"You're welcome. So: {question}"
    return pick(("Okay. Whenever you're ready: {q}", "Sure. Back to the question: {q}"), turn).format(q=question)


def time_left(elapsed: float | None, step: Step | None, step_elapsed: float | None) -> str:
    """A true time remark from the clock (the whole interview and the current step)."""
    if elapsed is None or elapsed < 60:
        text = f"We've only just started; the whole interview is planned for about {round(TOTAL_MINUTES)} minutes."
    else:
        left = max(0, round(TOTAL_MINUTES - elapsed / 60))
        spent = round(elapsed / 60)
        text = (
            f"We're about {spent} minute{'s' if spent != 1 else ''} in, with about {left} of {round(TOTAL_MINUTES)} "
            "left."
        )
    # The step's own time, however early: a candidate who moved on fast still asks how long this part has.
    if step is not None and step_elapsed is not None:
        step_left = round(step.budget_minutes - step_elapsed / 60)
        if step_left > 0:
            text += f" For {step.short.lower()} I'd plan about {step_left} more minute{'s' if step_left != 1 else ''}."
        else:
            text += f" We're at the end of the time for {step.short.lower()}, so let's wrap this part up."
    return text


def pushback(quote: str, dismissed: bool, turn: int, challenge: str | None = None) -> str:
    """A challenge of what the candidate just said: the case author's own question when there is one (a stress test
    grounded in the facts), else a general "what could go wrong" or "why is that safe"."""
    if challenge:
        return pick(('Let me push on that. You said: "{q}" {c}', 'Hold on: "{q}" {c}'), turn).format(
            q=quote, c=challenge
        )
    if dismissed:
        return pick(
            ('Let me push on one thing. You said: "{q}" Why is that safe to leave out in this system?',),
            turn,
        ).format(q=quote)
    return pick(
        (
            'Let me push back on one thing. You said: "{q}" What could go wrong with that here, and would you still '
            "do it?",
            'I want to challenge that a little: "{q}" Walk me through how that holds up in this system.',
        ),
        turn,
    ).format(q=quote)


def confirm_skip(step_id: str, question: str) -> str:
    step = STEP_BY_ID[step_id]
    return (
        f"We've only just started **{step.title}** and I haven't heard your take yet: {question} "
        "If you want to skip it, ask for the next step again."
    )


def already_touched(turn: int) -> str:
    return pick(
        (
            "You touched on some of this earlier, so focus on what you haven't covered yet. ",
            "Some of this came up already; build on it rather than repeat it. ",
        ),
        turn,
    )
