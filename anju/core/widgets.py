"""Form widgets drawn in Python.

Django draws a `<select>` through a template per option; a list page with four filter
selects (about 35 options) spent several milliseconds of every request there.
`QuickSelect` writes the same markup with `format_html`: the name, id and attributes,
each option with its value, label and `selected`. Grouped choices fall back to Django's
own rendering.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickSelect(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        choices = list(self.choices)
        if self.allow_multiple_selected or any(
            isinstance(label, (list, tuple)) for _value, label in choices
        ):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if v is None else v,
                    " selected" if str("" if v is None else v) in chosen else "",
                    label,
                )
                for v, label in choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)
