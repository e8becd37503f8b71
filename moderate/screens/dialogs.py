"""Modal dialogs: quit with unsaved changes, a reason for a change, a case's detail, the keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static

from .. import words
from ..workspace import Choices, Conflict
from .plain import plain, plain_cell

Variant = Literal["default", "primary", "success", "warning", "error"]


class Choose(ModalScreen[str]):
    """A question answered with one of a few buttons (or their keys, in BINDINGS): its id."""

    BUTTONS: tuple[tuple[str, str, Variant], ...] = ()  # (id, label, variant); the first has the focus

    def __init__(self, heading: str, body: str, wide: bool = False) -> None:
        super().__init__()
        self.heading = heading
        self.body = body
        self.wide = wide

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.wide else "dialog"):
            yield Label(plain(self.heading), classes="heading")
            with VerticalScroll():
                yield Static(plain(self.body))
            with Horizontal(classes="buttons"):
                for button, label, variant in self.BUTTONS:
                    yield Button(label, id=button, variant=variant)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class ConfirmQuit(Choose):
    BINDINGS = [
        Binding("escape", "dismiss('cancel')", "Cancel", id="quit.cancel"),
        Binding("s", "dismiss('save')", "Save and quit", id="quit.save"),
        Binding("d", "dismiss('discard')", "Discard and quit", id="quit.discard"),
    ]
    BUTTONS = (("save", "Save (s)", "primary"), ("discard", "Discard (d)", "error"), ("cancel", "Cancel (esc)", "default"))

    def __init__(self, changes: str) -> None:
        super().__init__(f"Unsaved changes: {changes}.", "Save before quitting?")


class RestoreWork(Choose):
    """Unsaved work found from a session that ended without saving: restore it or not."""

    BINDINGS = [
        Binding("r", "dismiss('restore')", "Restore", id="restore.restore"),
        Binding("d", "dismiss('discard')", "Discard", id="restore.discard"),
        Binding("escape,q", "dismiss('quit')", "Quit", id="restore.quit"),
    ]
    BUTTONS = (
        ("restore", "Restore it (r)", "primary"),
        ("discard", "Discard it (d)", "error"),
        ("quit", "Quit (esc)", "default"),
    )

    def __init__(self, summary: str) -> None:
        super().__init__("Unsaved work from an earlier session", summary, wide=True)


class FileGone(Choose):
    """The file is not the inspection that was opened any more: deleted, replaced, or not a file."""

    BINDINGS = [
        Binding("o", "dismiss('overwrite')", "Save over it", id="gone.overwrite"),
        Binding("e", "dismiss('elsewhere')", "Save elsewhere", id="gone.elsewhere"),
        Binding("escape", "dismiss('cancel')", "Cancel", id="gone.cancel"),
    ]
    BUTTONS = (
        ("elsewhere", "Save elsewhere (e)", "primary"),
        ("overwrite", "Save over it (o)", "error"),
        ("cancel", "Cancel (esc)", "default"),
    )

    def __init__(self, what: str) -> None:
        super().__init__(
            "The file has changed under you",
            f"{what}.\n\nYour work is still here. Save it "
            "somewhere else, or save it over whatever is there now (kept as NAME.bak if it is a file)?",
            wide=True,
        )


def as_typed(bindings: list[BindingType]) -> list[BindingType]:
    """A screen's keys handled as they arrive, in the order typed: with priority, each runs before
    the next key is read. Left to bubble up from the focused table, a key that puts up a dialog
    (the panel's =) was still on its way while the keys typed after it at once, as over SSH, went
    to the table beneath: its reason was lost, and its Enter met an empty dialog."""
    return [replace(binding, priority=True) if isinstance(binding, Binding) else binding for binding in bindings]


class AskText(ModalScreen[str | None]):
    """One line of text: a reason for a change or a decision, or where to save a copy."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="ask.cancel")]

    def __init__(self, question: str, placeholder: str, required: bool, value: str = "", on_cancel: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.required = required
        self.value = value
        self.on_cancel = on_cancel

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.question), classes="question")
            yield Input(value=self.value, placeholder=self.placeholder + (" (required)" if self.required else ""))
            yield Label(f"enter to record · esc to cancel{self.on_cancel}", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self.required and not event.value.strip():
            self.notify("This cannot be left empty.", severity="warning")
            return
        self.dismiss(event.value)


def reason_dialog(about: str, required: bool, value: str = "") -> AskText:
    return AskText(f"Why? {about}", "Reason for the change", required, value)


class ResolveConflicts(ModalScreen[Choices | None]):
    """The same answer changed here and in someone else's save: keep yours or take theirs.

    Each line says which in a glyph and a word ("[x] keep yours" / "[ ] take theirs"), never
    by colour alone: under NO_COLOR or on a projector the two must still read apart.
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="conflicts.cancel"),
        Binding("space", "switch", "Yours / theirs", id="conflicts.switch"),
    ]

    def __init__(self, conflicts: Iterable[Conflict]) -> None:
        super().__init__()
        self.conflicts = list(conflicts)
        self.yours = [True] * len(self.conflicts)  # keep yours, or take theirs

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(words.save_conflicts(len(self.conflicts)), classes="heading")
            yield OptionList(*(self._line(i) for i in range(len(self.conflicts))))
            with Horizontal(classes="buttons"):
                yield Button("Save with these", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _line(self, i: int) -> Text:
        choice = "[x] keep yours  " if self.yours[i] else "[ ] take theirs "
        return Text.assemble((choice, "bold"), plain_cell(str(self.conflicts[i])))  # file text: shown, never markup

    @on(OptionList.OptionSelected)
    def action_switch(self) -> None:
        options = self.query_one(OptionList)
        i = options.highlighted
        if i is None:
            return
        self.yours[i] = not self.yours[i]
        options.replace_option_prompt_at_index(i, self._line(i))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        choices: Choices = {c: "ours" if yours else "theirs" for c, yours in zip(self.conflicts, self.yours, strict=True)}
        self.dismiss(choices)


class Detail(ModalScreen[None]):
    """A read-only page of text: a case's detail, or the binding ids."""

    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close", id="detail.close")]
    HINT = "esc to close"

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.heading = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(plain(self.heading), classes="heading")
            with VerticalScroll():
                yield Static(plain(self.body))
            yield Label(self.HINT, classes="hint")


class KeysPage(Detail):
    """Every key of the screen beneath and what it does: a page of its own, to scroll at any size."""

    BINDINGS = [Binding("escape,q,enter,question_mark,f1", "dismiss", "Close", id="keys.close")]
    HINT = words.KEYS_HINT
