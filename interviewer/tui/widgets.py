"""Widgets shared by the screens: the steps sidebar, the reply box, the footer, the too-small notice."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from interviewer.framework import REPLY_STEPS, STEP_BY_ID, TOTAL_MINUTES, mmss
from interviewer.terminal import printable

if TYPE_CHECKING:
    from textual.widget import Widget

# Only what the first frame needs lives here: the bubbles (bubbles.py, with Markdown) and the scorecard's widgets load
# after the first paint; the chat log is in chatlog.py.

MIN_WIDTH = 60
# Below this width the steps sidebar gives its 30 columns to the chat, and the answer box's title shows the step and
# its clock instead (at 60 columns the chat had 18 columns of text left).
NARROW_WIDTH = 80
MIN_HEIGHT = 18


class TooSmall(Static):
    """Shown instead of the layout when the terminal is too small to read it."""

    def __init__(self) -> None:
        super().__init__(
            f"The terminal is too small.\nMake it at least {MIN_WIDTH}x{MIN_HEIGHT} (80x24 is best).\n"
            "Keys do nothing until then; your answer so far is kept.",
            id="too-small",
        )


class KeysFooter(Footer):
    """Textual's footer, rebuilt at most once per refresh however many times the bindings change meanwhile, and on
    two lines when its keys do not fit on one (a narrow terminal would otherwise cut the last ones off).

    Focus, screen stack and idle each announce new bindings as a screen opens, and each would rebuild every key.
    """

    _rebuild_pending = False

    async def recompose(self) -> None:
        await super().recompose()
        self._fit_keys()

    def on_resize(self) -> None:
        self._fit_keys()

    def _fit_keys(self) -> None:
        from textual.widgets._footer import FooterKey

        keys = list(self.query_children(FooterKey))
        docked = [key for key in keys if key.has_class("-command-palette")]  # the palette's, on the right
        keys = [key for key in keys if key not in docked]
        if not keys:
            return
        # The docked key may cover the blank after the last key, never a letter.
        needed = sum(key.render().cell_len for key in (*keys, *docked)) - 1
        two_lines = needed > self.size.width and len(keys) > 1
        self.set_class(two_lines, "-two-lines")
        self.styles.grid_size_columns = -(-len(keys) // 2) if two_lines else len(keys)

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_pending:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_pending = False
        super().bindings_changed(screen)


async def run_own_key(widget: Widget, event: events.Key) -> bool:
    """Run a key the widget itself binds (backspace, delete, the arrows...) now; False when it binds none or its action
    passed, so the key goes on to the screen's and the app's bindings.

    Textual runs a key bound on a text widget only once the key has gone up to the app and come back, while the
    characters typed after it go straight in: typed fast, "teh", two backspaces and "he model" came out "tehhe mode".
    A text widget that runs its own keys as they come keeps them in the order they were typed."""
    bindings = widget._bindings.key_to_bindings.get(event.key)
    if not bindings or not await widget.app.run_action(bindings[0].action, widget):
        return False  # not its key, or its action passed (copy with nothing selected): the key goes on as before
    event.stop()
    event.prevent_default()
    return True


class ReplyBox(TextArea):
    """Where the candidate writes; multi-line, because answers are paragraphs.

    A paste with escape or control characters goes in as the visible text the rest of the app shows for them
    (`<ESC>`, `<OSC 0;...>`), never raw: the box is on screen, and what it shows is what is sent.
    """

    def __init__(self) -> None:
        super().__init__(
            id="reply",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder="Your answer. Enter adds a line; ctrl+s sends.",
        )

    async def _on_key(self, event: events.Key) -> None:
        if await run_own_key(self, event):
            self._restart_blink()
        else:
            await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of TextArea's own handler, which would insert the raw text
        if self.read_only:
            return
        from interviewer.tui.paste import pasted_text

        # The terminal's pastes are made safe by the input parser (paste.py); this covers any other Paste posted.
        if result := self._replace_via_keyboard(pasted_text(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()


class StepsSidebar(Vertical):
    """Case, level and model; the steps as done / current / upcoming with their clocks; the total clock.

    The steps are one widget redrawn as text, not a widget per step: it repaints every second and costs a tenth.
    """

    STYLE = {"done": "$success", "skipped": "$warning", "current": "b reverse", "upcoming": "dim"}
    MARK = {"done": "✓", "skipped": "↷", "current": "▶", "upcoming": "·"}

    def __init__(self, title: str, level: str, model: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case_title = title
        self.level = level
        self.model = model
        self.states: dict[str, str] = {step.id: "upcoming" for step in REPLY_STEPS}
        self.over: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(printable(self.case_title), id="case-title", markup=False)
        yield Static(printable(f"level {self.level} · {self.model}"), id="case-meta", markup=False)
        yield Static(self._steps_markup(lambda _: 0.0), id="steps")
        yield Static("", id="total-clock")

    def set_model(self, model: str) -> None:
        if model != self.model:
            self.model = model
            self.query_one("#case-meta", Static).update(printable(f"level {self.level} · {model}"))

    def show(
        self, phase: str, seconds: Callable[[str], float], total: float, answered: Collection[str] | None = None
    ) -> None:
        """`answered`: the steps the candidate said something in; a past step without an answer shows as skipped."""
        order = [step.id for step in REPLY_STEPS]
        current = order.index(phase) if phase in order else (len(order) if phase == "done" else -1)
        for index, step_id in enumerate(order):
            state = "done" if index < current else "current" if index == current else "upcoming"
            if state == "done" and answered is not None and step_id not in answered:
                state = "skipped"
            self.states[step_id] = state
        self.over = {step_id for step_id in order if seconds(step_id) > STEP_BY_ID[step_id].budget_seconds}
        self.query_one("#steps", Static).update(self._steps_markup(seconds))
        self.query_one("#total-clock", Static).update(f"Total {mmss(total)} / {mmss(TOTAL_MINUTES * 60)}")

    @staticmethod
    def one_line(phase: str, seconds: Callable[[str], float], total: float) -> str:
        """The current step and the clocks on one line, for a terminal too narrow for the sidebar."""
        step = STEP_BY_ID.get(phase)
        whole = f"total {mmss(total)}/{mmss(TOTAL_MINUTES * 60)}"
        if step is None:
            return whole
        return f"{step.short} {mmss(seconds(phase))}/{mmss(step.budget_seconds)} · {whole}"

    def _steps_markup(self, seconds: Callable[[str], float]) -> str:
        lines = []
        for step in REPLY_STEPS:
            state = self.states[step.id]
            budget = step.budget_seconds
            clock = mmss(budget) if state == "upcoming" else f"{mmss(seconds(step.id))}/{mmss(budget)}"
            style = "$error b" if step.id in self.over else self.STYLE[state]
            lines.append(f"[{style}]{self.MARK[state]} {step.short:<13}{clock:>11}[/]")
        return "\n".join(lines)
