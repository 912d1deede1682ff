"""The accessibility audit fails on deliberate bugs, each kept apart on a real screen (issue 19).

Each test first audits the screen as the kiosk shows it (no problem), then plants one bug and
expects exactly the problem it causes, named with the widget, its text, the ratio and the goal.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import QSize

from kiosk.ui.theme import STANDARD, Theme
from kiosk.ui.widgets import ScrollingPage, label, running_app
from tests.ui.audit import HIGH_CONTRAST_TEXT_GOAL, TEXT_GOAL, audit, contrast, hex_rgb

SIZE = QSize(1366, 768)
LARGE = QSize(1920, 1080)  # room for a scroll bar beside the offers


def shown(qtbot, window, screen, *args, size=SIZE):
    window.resize(size)
    if screen == "home":
        window.go_home()
    else:
        window.show_screen(screen, *args)
    qtbot.wait(1)


def goal_of(window) -> float:
    return HIGH_CONTRAST_TEXT_GOAL if window.theme.high_contrast else TEXT_GOAL


@pytest.mark.parametrize(
    "high_contrast, larger, grey",
    [(False, False, "#959595"), (True, False, "#595959"), (False, True, "#959595")],
    ids=["standard", "high-contrast", "larger-text"],
)
def test_grey_button_text_at_three_to_one_fails(qtbot, window, high_contrast, larger, grey):
    window.access_bar.contrast.setChecked(high_contrast)
    window.access_bar.larger.setChecked(larger)
    shown(qtbot, window, "home")
    ground = window.theme.palette.surface
    assert round(contrast(hex_rgb(grey), hex_rgb(ground)), 1) == 3.0
    assert audit(window, "home", SIZE, goal_of(window)) == []

    read = window.access_bar.read_aloud  # its border stays the strong colour it always was
    read.setStyleSheet(f"color: {grey};")
    problems = audit(window, "home", SIZE, goal_of(window))

    assert len(problems) == 1, problems
    assert re.fullmatch(
        rf"home: QPushButton \"Lire l'écran à voix haute\" 'Lire': text contrast 3\.0\d:1 "
        rf"\(ink {grey} on {ground}\), goal {goal_of(window)}:1",
        problems[0],
    ), problems[0]


@pytest.mark.parametrize("high_contrast", [False, True], ids=["standard", "high-contrast"])
def test_text_in_its_background_colour_fails(qtbot, window, high_contrast):
    window.access_bar.contrast.setChecked(high_contrast)
    shown(qtbot, window, "home")
    assert audit(window, "home", SIZE, goal_of(window)) == []

    greeting = window.screens["home"].greeting
    ground = window.theme.palette.background
    greeting.setStyleSheet(f"color: {ground};")
    problems = audit(window, "home", SIZE, goal_of(window))

    words = greeting.text()
    invisible = f"text invisible 1.00:1 (ink {ground} on {ground}), goal {goal_of(window)}:1"
    assert problems == [f"home: QLabel {words!r} {words!r}: {invisible}"]


def test_text_clipped_to_nothing_fails(qtbot, window):
    shown(qtbot, window, "home")
    greeting = window.screens["home"].greeting
    greeting.setContentsMargins(0, 0, 0, greeting.height())  # the words have no room left at all
    problems = audit(window, "home", SIZE)

    words = greeting.text()
    assert problems == [
        f"home: QLabel {words!r}: text cut ({greeting.heightForWidth(greeting.width())} > {greeting.height()})",
        f"home: QLabel {words!r} {words!r}: text clipped to nothing (no pixel left to read), goal 4.5:1",
    ]


def test_a_faint_scroll_bar_fails(qtbot, window):
    shown(qtbot, window, "offers", False, size=LARGE)
    bar = window.screens["offers"].scroll_buttons.bar
    assert bar.isVisible() and bar.maximum() > 0
    assert audit(window, "offers", LARGE) == []

    app = running_app()
    kiosk_style = app.styleSheet()
    app.setStyleSheet(kiosk_style + "QScrollBar::handle:vertical { background: #d0d4d9; }")  # on a #e4e7eb groove
    try:
        qtbot.wait(1)
        problems = audit(window, "offers", LARGE)
    finally:
        app.setStyleSheet(kiosk_style)
    ratio = contrast(hex_rgb("#d0d4d9"), hex_rgb(STANDARD.disabled_background))
    assert problems == [
        f"offers: scroll bar of ScrollButtons 'scrollButtons': handle against its groove {ratio:.2f}:1, goal 3.0:1"
    ]


def test_a_scroll_bar_too_thin_for_a_finger_fails(qtbot, window):
    shown(qtbot, window, "offers", False, size=LARGE)
    bar = window.screens["offers"].scroll_buttons.bar
    bar.setFixedWidth(16)
    qtbot.wait(1)
    assert audit(window, "offers", LARGE) == [
        "offers: scroll bar of ScrollButtons 'scrollButtons': 16 px thick, goal 48 px"
    ]


def test_a_faint_label_out_of_view_is_scrolled_to_and_fails(qtbot, window):
    shown(qtbot, window, "detail", "T1")
    page = window.screens["detail"].findChild(ScrollingPage)
    assert audit(window, "detail", SIZE) == []

    faint = label("Annulation gratuite jusqu'à la veille")
    faint.setStyleSheet("color: #959595;")
    page.area.widget().layout().addWidget(faint)
    for _ in range(3):  # the layout settles over a few passes (heights that depend on widths)
        qtbot.wait(1)
    assert faint.visibleRegion().isEmpty(), "planted below the fold"
    problems = audit(window, "detail", SIZE)

    assert len(problems) == 1, problems
    assert re.fullmatch(
        r"detail: QLabel \"Annulation gratuite jusqu'à la veille\" \"Annulation gratuite jusqu'à la veille\": "
        r"text contrast 2\.\d\d:1 \(ink #959595 on #f3f5f8\), goal 4.5:1",
        problems[0],
    ), problems[0]
    assert page.area.verticalScrollBar().value() == 0, "the audit puts the screen back as it was"


def test_a_faint_line_in_a_list_row_fails_even_far_down_the_list(qtbot, window):
    shown(qtbot, window, "offers", False)
    offers = window.screens["offers"]
    assert audit(window, "offers", SIZE) == []
    last = offers.model.offers[-1]
    assert offers.list.visualRect(offers.model.index(len(offers.model.offers) - 1)).top() > offers.list.height()

    offers.delegate.theme = Theme(replace(STANDARD, muted="#959595"))  # the rows' summaries turn grey
    problems = audit(window, "offers", SIZE)

    assert len(problems) == len(offers.model.offers)
    assert re.fullmatch(
        rf"offers: QListView \"L'offre\" row {len(offers.model.offers)} {re.escape(repr(last.summary))}: "
        r"text contrast 3\.0\d:1 \(ink #959595 on #ffffff\), goal 4.5:1",
        problems[-1],
    ), problems[-1]
    assert offers.list.verticalScrollBar().value() == 0


def test_text_just_at_the_goal_passes_even_at_the_smallest_size(qtbot, window):
    """Antialiasing does not pull a text under its colour's ratio: #767676 on white is 4.54:1."""
    shown(qtbot, window, "home")
    status = window.top_bar.status
    assert status.font().pixelSize() == 18 and status.text().strip()
    status.setStyleSheet("color: #767676;")
    assert audit(window, "home", SIZE) == []
    status.setStyleSheet("color: #777777;")  # 4.48:1
    assert audit(window, "home", SIZE) == [
        f"home: QLabel {status.text()!r} {status.text()!r}: text contrast 4.48:1 (ink #777777 on #ffffff), goal 4.5:1"
    ]
