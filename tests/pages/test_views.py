"""Small display helpers."""

from __future__ import annotations

from ui.views import _BOLD_ENDING_IN_CJK_PUNCTUATION


def fix(text: str) -> str:
    return _BOLD_ENDING_IN_CJK_PUNCTUATION.sub(r"**\1**\2", text)


def test_bold_run_ending_in_chinese_punctuation_is_closed_before_it():
    assert fix("**需求：**最大一次训练") == "**需求**：最大一次训练"
    assert fix("**趋势。**对数值") == "**趋势**。对数值"


def test_latin_bold_is_left_alone():
    assert fix("**Demand:** the largest run") == "**Demand:** the largest run"
