"""Labels of choice codes, looked up from a per-language table.

`instance.get_FOO_display()` rebuilds the field's flat choices and translates the label
on every call (≈0.1 ms); a list page shows four of them per row. `choice_label` reads a
dict built once per choices class and language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

_TABLES: dict[tuple[type, str | None], dict[Any, str]] = {}


def choice_label(choices: Any, value: Any) -> str:
    key = (choices, get_language())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = {code: str(label) for code, label in choices.choices}
    return table.get(value, "" if value in (None, "") else str(value))
