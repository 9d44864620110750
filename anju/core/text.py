"""Chinese text helpers for search: pinyin initials and full pinyin."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_initials(name: str) -> str:
    """张三 -> 'zs'. Non-Chinese characters are kept lower-cased."""
    return "".join(
        p[0] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER) if p
    ).lower()


def pinyin_full(name: str) -> str:
    """张三 -> 'zhangsan'."""
    return "".join(lazy_pinyin(name or "")).lower()
