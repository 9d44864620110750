"""QuickSelect draws the same select as Django's own widget."""

from __future__ import annotations

import re

from django import forms

from anju.core.widgets import QuickSelect

CHOICES = [
    ("", "全部类别"),
    ("plumbing", "给排水"),
    ("elevator", "电梯"),
    ("a&b", "<x>"),
]


def _options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return [(v, bool(s), label) for v, s, label in found]


def test_same_options_selection_and_attributes_as_djangos_select():
    for value in ("plumbing", "", None, "a&b", "unknown"):
        ours = QuickSelect(choices=CHOICES).render(
            "category", value, {"id": "id_category", "class": "f"}
        )
        django = forms.Select(choices=CHOICES).render(
            "category", value, {"id": "id_category", "class": "f"}
        )
        assert _options(ours) == _options(django)
        for attr in ('name="category"', 'id="id_category"', 'class="f"'):
            assert attr in ours
    escaped = QuickSelect(choices=CHOICES).render("c", "a&b")
    assert '<option value="a&amp;b" selected>&lt;x&gt;</option>' in escaped


def test_grouped_choices_fall_back_to_djangos_rendering():
    grouped = [("水电", [("plumbing", "给排水"), ("electrical", "供电照明")])]
    html = QuickSelect(choices=grouped).render("category", "electrical")
    assert "<optgroup" in html
    assert "selected" in html
