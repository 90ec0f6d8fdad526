"""Small modal screens: help, and a yes/no confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

HELP = """\
# How the interview works

The interviewer takes you through seven steps, in order: **requirements, framing, data, model, evaluation,
serving, monitoring**, then a short wrap-up. The sidebar shows where you are and the time spent in the step
against its budget (45 minutes in all; under 80 columns the answer box's title shows them); a step over its budget
turns red, and the interviewer moves on at your next answer.

Ask clarifying questions at any time: answers come only from the case's fact sheet. When something important is
missing, the interviewer asks a follow-up, at most two per step. Every turn is saved as it happens; quitting never
loses anything (an answer you had not sent is kept too), and `interviewer resume PATH` carries on.

| key | does |
|---|---|
| `ctrl+s` | send your answer (Enter adds a new line) |
| `esc` | stop the interviewer's answer in progress |
| `ctrl+n` | move on to the next step |
| `ctrl+g` | end the interview and see the scorecard |
| `ctrl+p` | command palette (theme, keys...) |
| `ctrl+q` | quit (the transcript is already saved) |
| `f1` | this help |

On the scorecard: `e` exports it to Markdown, `r` replays the interview, `d` starts the drill to practise next,
`n` a new interview, `h` the History screen. In the replay: `right`/`left` step through the turns, `]`/`[` jump
between steps, `1`-`8` jump to a step, `s` shows the scorecard. In the picker: `f2` History, `f3` the drill to
practise next.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="close_help", tooltip="Close the help")]

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        with Vertical(id="help"):
            yield Markdown(HELP)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="yes", tooltip="Yes"),
        Binding("n,escape", "answer(False)", "No", id="no", tooltip="No, go back"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.question, markup=False)
            yield Label("[b]y[/b] yes   [b]n[/b] no", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
