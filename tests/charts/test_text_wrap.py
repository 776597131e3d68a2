"""Greedy wrapping of runs without spaces (long share links, Chinese text), worked by hand."""

from charts.text import wrap_line


def test_a_long_link_is_cut_at_the_width_and_cjk_counts_double():
    assert wrap_line("go https://a.example/" + "x" * 12, 10) == ["go", "https://a.", "example/xx", "xxxxxxxxxx"]
    assert wrap_line("中文中文中", 4) == ["中文", "中文", "中"]


def test_a_glyph_wider_than_the_line_still_goes_on_a_line_of_its_own():
    assert wrap_line("中文", 1) == ["中", "文"]
