"""Modal dialogs: quit with unsaved changes, a reason for a change, a case's detail, the keys."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Choice = Literal["save", "discard", "cancel"]


class ConfirmQuit(ModalScreen[Choice]):
    BINDINGS = [
        Binding("escape", "dismiss('cancel')", "Cancel", id="quit.cancel"),
        Binding("s", "dismiss('save')", "Save and quit", id="quit.save"),
        Binding("d", "dismiss('discard')", "Discard and quit", id="quit.discard"),
    ]

    def __init__(self, changes: str) -> None:
        super().__init__()
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Unsaved changes: {self.changes}.\nSave before quitting?")
            with Horizontal(classes="buttons"):
                yield Button("Save (s)", id="save", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class AskReason(ModalScreen[str | None]):
    """Why an answer was changed; required or not, as the inspection says."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="reason.cancel")]

    def __init__(self, about: str, required: bool, value: str = "") -> None:
        super().__init__()
        self.about = about
        self.required = required
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Why? {self.about}")
            yield Input(value=self.value, placeholder="Reason for the change" + (" (required)" if self.required else ""))
            yield Label("enter to record · esc to cancel" + (" (and take the change back)" if self.required else ""),
                        classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self.required and not event.value.strip():
            self.notify("A reason is required for every change in this inspection.", severity="warning")
            return
        self.dismiss(event.value)


class Detail(ModalScreen[None]):
    """A read-only page of text: a case's detail, or the keys."""

    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close", id="detail.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.heading = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.heading, classes="heading")
            with VerticalScroll():
                yield Static(self.body, markup=False)
            yield Label("esc to close", classes="hint")
