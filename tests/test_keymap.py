"""A keymap may remap any binding of the program, on whichever screen, dialog or widget it is."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import moderate.screens
from moderate.screens.case_form import CaseForm
from helpers.screen import Notified, until
from helpers.app import open_app
from textual.binding import Binding
from textual.dom import DOMNode


def every_class_with_keys() -> dict[str, list[str]]:
    """Each screen, dialog and widget of the screens' modules (the app too) by name, with its binding ids."""
    found: dict[str, list[str]] = {}
    for module in pkgutil.iter_modules(moderate.screens.__path__, "moderate.screens."):
        for name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.name:
                ids = [b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id]
                if ids:
                    found[name] = ids
    return found


def keymap_file(tmp_path, monkeypatch, text: str) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "moderate").mkdir(parents=True)
    (tmp_path / "config" / "moderate" / "keymap.toml").write_text(text, encoding="utf-8")


async def test_one_binding_of_every_screen_dialog_and_widget_can_be_remapped(stockton, tmp_path, monkeypatch):
    found = every_class_with_keys()
    assert {"ModerateApp", "ModerationScreen", "CaseGrid", "PanelScreen", "CaseForm", "FileGone"} <= set(found)
    # the case form's yes on 1, as a transcriber would have it; each other a key of its own
    chosen = {"form.yes": "1"} | {ids[0]: f"ctrl+f{i + 1}" for i, ids in enumerate(found.values()) if "form.yes" not in ids}
    keymap_file(tmp_path, monkeypatch, "[keymap]\n" + "".join(f'"{i}" = "{k}"\n' for i, k in chosen.items()))
    notices = Notified()
    async with open_app(stockton).run_test(size=(120, 40), message_hook=notices) as pilot:
        await pilot.pause()
        assert not any("keymap" in n.casefold() for n in notices), notices
        await pilot.press("f")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseForm))
        await pilot.press("down", "down", "down", "down", "1")  # 2.1.1.d, n/a until now
        assert pilot.app.session.answer("C01", "2.1.1.d").value == "yes"


async def test_an_unknown_binding_id_is_said_with_where_every_id_is_listed(stockton, tmp_path, monkeypatch):
    keymap_file(tmp_path, monkeypatch, '[keymap]\n"answer.yse" = "2"\n')
    notices = Notified()
    async with open_app(stockton).run_test(size=(120, 40), message_hook=notices) as pilot:
        await pilot.pause()
    told = next(n for n in notices if "no binding 'answer.yse'" in n)
    assert 'the command palette (ctrl+p) lists every binding id under "Binding ids"' in told
