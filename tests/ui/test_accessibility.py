"""An automated accessibility audit of every screen (WCAG 2.2, EN 301 549, DESIGN.md section 4).

Each screen is walked in French and English, in the standard and high-contrast
themes, and with larger text, at the four screen sizes kiosks have (1920×1080,
1366×768, 1280×800 and the 1080×1920 portrait totem): touch targets at least 48x48 px, an accessible name
and role for every control, text at least 18 px, contrast at least 4.5:1 (3:1 for
large text) measured on the rendered pixels, and nothing clipped or overlapping.
"""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QAccessible, QFontInfo, QImage
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractScrollArea, QLabel, QLineEdit, QWidget

from kiosk.demo.staff import badge_number
from kiosk.domain.appreciation import OfferAppreciation, PublishedComment
from kiosk.domain.concierge import RequestState
from kiosk.store import participation as participation_store
from kiosk.store.database import transaction
from kiosk.ui.queue import QueueCard
from kiosk.ui.screenshots import owed_request_id
from kiosk.ui.theme import HIGH_CONTRAST, STANDARD, Palette, Theme, larger_text_scale
from tests.factories import CLAIRE_CARD
from tests.ui.test_participation import book_the_past_concert

SCREENS = [(1920, 1080), (1366, 768), (1280, 800), (1080, 1920)]  # the last: portrait totems
MIN_TARGET = 48
MIN_TEXT_PX = 18
VARIANTS = [
    ("fr", STANDARD, False),
    ("en", STANDARD, False),
    ("fr", HIGH_CONTRAST, False),
    ("en", HIGH_CONTRAST, False),
    ("fr", STANDARD, True),
    ("en", HIGH_CONTRAST, True),
]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("palette", [STANDARD, HIGH_CONTRAST], ids=["standard", "high_contrast"])
def test_palette_pairs_meet_the_contrast_ratios(palette: Palette):
    for text, ground in [
        ("text", "surface"),
        ("text", "background"),
        ("muted", "surface"),
        ("muted", "background"),
        ("on_primary", "primary"),
        ("on_accent", "accent"),
        ("error", "surface"),
        ("ok", "surface"),
        ("text", "selected"),
        ("disabled_text", "disabled_background"),
        ("on_staff", "staff"),
    ]:
        ratio = contrast(hex_rgb(getattr(palette, text)), hex_rgb(getattr(palette, ground)))
        assert ratio >= 4.5, f"{text} on {ground}: {ratio:.2f}"
    for control in ("border", "primary", "accent"):
        for ground in ("surface", "background"):
            ratio = contrast(hex_rgb(getattr(palette, control)), hex_rgb(getattr(palette, ground)))
            assert ratio >= 3, f"{control} against {ground}: {ratio:.2f}"


def test_larger_text_meets_en_301_549_at_the_configured_distance():
    # 0.7 degree at 500 mm is a 6.1 mm capital; at 0.2745 mm a pixel, DejaVu's 0.73 em cap needs 31 px.
    scale = larger_text_scale(500, 0.2745)
    smallest = Theme(STANDARD, scale).px("small")
    assert smallest * 0.73 * 0.2745 >= 6.1
    assert larger_text_scale(300, 0.5) == 1.25  # never less than a visible step up


def rendered(window) -> Image.Image:
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer(
        "RGB", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGB", image.bytesPerLine(), 1
    )


def text_contrast(picture: Image.Image, rect: QRect) -> float:
    """Contrast between a text's background (its most common colour) and its strongest ink."""
    crop = picture.crop((rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1))
    colours = crop.getcolors(maxcolors=1 << 16) or []
    if len(colours) < 2:
        return 21.0  # nothing drawn here (an empty cell): nothing to read
    background = max(colours)[1]
    return max(contrast(background, colour) for _, colour in colours)


def scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: allowed past the window's edges while scrolled away."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
            return True
        parent = parent.parentWidget()
    return False


def audit(window, screen_name: str, size: QSize) -> list[str]:
    problems = []
    least = window.centralWidget().minimumSizeHint()
    if least.width() > size.width() or least.height() > size.height():
        problems.append(f"{screen_name}: needs {least.width()}x{least.height()}, more than the screen")
    picture = rendered(window)
    # With a message over the screen, only the message can be read and touched.
    overlays = [o for o in window.findChildren(QWidget, "overlay") if o.isVisible()]
    scope = overlays[0] if overlays else window
    everything = [w for w in scope.findChildren(QWidget) if w.isVisible() and w.window() is window]
    controls = []
    for widget in everything:
        name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
        where = f"{screen_name}: {type(widget).__name__} {name!r}"
        placed = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not window.rect().contains(placed) and not scrolled(widget):
            problems.append(
                f"{where}: outside the window ({placed.x()},{placed.y()} {placed.width()}x{placed.height()})"
            )
        visible = widget.visibleRegion().boundingRect()
        if visible.isEmpty():
            continue  # scrolled out of view: audited when it is on screen
        rect = visible.translated(widget.mapTo(window, QPoint(0, 0)))
        if isinstance(widget, QAbstractButton | QLineEdit | QAbstractItemView):
            if widget.width() < MIN_TARGET or widget.height() < MIN_TARGET:
                problems.append(f"{where}: target {widget.width()}x{widget.height()}")
            interface = QAccessible.queryAccessibleInterface(widget)
            if interface is None or not interface.text(QAccessible.Text.Name).strip():
                problems.append(f"{where}: no accessible name")
            elif interface.role() == QAccessible.Role.NoRole:
                problems.append(f"{where}: no accessible role")
            controls.append((rect, where, widget))
        text = widget.text() if isinstance(widget, QLabel | QAbstractButton | QLineEdit) else ""
        if isinstance(widget, QLabel) and not text.strip():
            continue
        if text.strip():
            size = QFontInfo(widget.font()).pixelSize()
            if size < MIN_TEXT_PX:
                problems.append(f"{where}: text {size} px")
            needed = 3.0 if size >= 24 or (size >= 19 and widget.font().bold()) else 4.5
            # Half scrolled out of view, what shows may be only a border: measured once in view.
            ratio = text_contrast(picture, rect) if visible.size() == widget.size() else 21.0
            if ratio < needed:
                problems.append(f"{where}: contrast {ratio:.2f} < {needed}")
        if isinstance(widget, QLabel) and widget.text().strip():
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height() + 2:
                    problems.append(f"{where}: text cut ({widget.heightForWidth(widget.width())} > {widget.height()})")
            elif widget.sizeHint().width() > widget.width() + 2:
                problems.append(f"{where}: text cut ({widget.sizeHint().width()} > {widget.width()})")
        if (
            isinstance(widget, QAbstractButton)
            and widget.text().strip()
            and widget.layout() is None
            and widget.fontMetrics().horizontalAdvance(widget.text().replace("&&", "&")) > widget.width() - 8
        ):
            problems.append(f"{where}: button text cut")
    for index, (rect, where, widget) in enumerate(controls):
        for other_rect, other_where, other in controls[index + 1 :]:
            if rect.intersects(other_rect) and not widget.isAncestorOf(other) and not other.isAncestorOf(widget):
                problems.append(f"{where} overlaps {other_where}")
    return problems


def walk(window, qtbot, services):
    """Every screen, with the steps a person takes to reach it; yields each screen's name."""
    window.go_home()
    yield "home"
    window.show_screen("offers", False)
    yield "offers"
    offers = window.screens["offers"]
    offers.filters_button.setChecked(True)
    yield "filters"
    offers.filters_button.setChecked(False)
    offers.filters.price.set_value(0)  # a filter chosen: the panel also offers to remove it
    offers.search.setText("zzzz")
    offers.refresh()
    yield "nothing_found"
    offers.filters.clear()
    offers.search.setText("théâtre piscine")  # no offer has both: those with one of them follow
    offers.refresh()
    yield "partial_results"
    offers.search.clear()
    window.show_screen("detail", "T1")
    yield "detail"
    window.show_help()
    yield "help"
    window.help_panel.call.click()
    yield "help_called"
    window.help_panel.hide()
    window.show_screen("detail", "T2")
    yield "detail_full"
    window.show_screen("concierge")
    yield "concierge"
    window.with_identity(("booking", "T1", "T1-S1"))
    identify = window.screens["identify"]
    identify.card.setText("123")
    identify.try_identify()
    yield "identify_error"
    identify.card.setText(CLAIRE_CARD)
    identify.pin.setText("1234")
    identify.try_identify()
    yield "booking"  # with the banner saying Claire's dry cleaning is ready
    window.screens["booking"].confirm.click()
    qtbot.waitUntil(
        lambda: (
            "imprimante" in window.screens["booking_done"].status.text()
            or "printer" in window.screens["booking_done"].status.text()
        ),
        timeout=10_000,
    )
    yield "booking_done"
    window.show_screen("my_bookings")
    yield "my_bookings"
    window.show_screen("notices")
    yield "notices"
    notices = window.screens["notices"]
    notices.address.setText("claire.martin@orange")
    notices.give_consent()
    yield "notices_error"
    notices.domains[0].click()
    notices.give_consent()
    yield "notices_given"
    notices.take_back()
    window.show_screen("my_bookings")
    window.screens["my_bookings"].cancel_requested.emit(
        services.bookings.bookings(window.identified.household)[0].booking_id
    )
    yield "cancel_question"
    window.notice.hide()
    window.show_screen("concierge_request", "pressing")
    request = window.screens["concierge_request"]
    request.send.click()
    yield "concierge_request_error"
    request.controls["garments"].buttons()[0].click()
    request.controls["day"].buttons()[0].click()
    request.send.click()
    done = window.screens["concierge_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    yield "concierge_done"
    yield from walk_participation(window, qtbot, services)
    window.show_idle_warning(25)
    yield "idle_warning"
    window.reset_session()
    yield from walk_assisted_mode(window)


def walk_participation(window, qtbot, services):
    """Participer: the hub with published results, an idea to its code and answer, a vote to its receipt, a past
    activity to appreciate, and an offer with its published appreciation."""
    window.show_screen("participate")
    yield "participate"
    window.show_screen("idea")
    idea = window.screens["idea"]
    idea.send.click()
    yield "idea_error"
    idea.themes.buttons()[0].click()
    idea.words.setText("Un casier réfrigéré pour les courses du soir")
    idea.send.click()
    yield "idea_done"
    code = window.screens["idea_done"].idea.code
    window.show_screen("idea_lookup")
    lookup = window.screens["idea_lookup"]
    lookup.code.setText(code)
    lookup.search.click()
    yield "idea_lookup"
    window.show_screen("consultations")
    yield "consultations"
    window.show_screen("vote", "DEMO-PRIORITES")
    window.screens["vote"].send.click()
    yield "vote_ranking_error"
    window.show_screen("vote", "DEMO-SORTIE-ETE")
    vote = window.screens["vote"]
    vote.ballot.buttons()[0].click()
    vote.pin.setText("1234")
    vote.send.click()
    done = window.screens["vote_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    yield "vote_done"
    book_the_past_concert(services)
    window.show_screen("appreciate")
    yield "appreciate"
    window.show_screen("appreciation", "5f0c2a4e-1b7d-4c3e-9a8f-6d5e4c3b2a10")
    window.screens["appreciation"].scales[0].faces()[4].click()
    window.screens["appreciation"].send.click()
    yield "appreciation_error"
    with transaction(services.db):
        participation_store.upsert_offer_appreciation(
            services.db,
            OfferAppreciation(
                "T1",
                12,
                {"overall": 43, "organisation": 40, "place": 35, "value": 38},
                (PublishedComment("Karim B.", date(2026, 11, 20), "Salle un peu froide, mais quel spectacle !"),),
            ),
        )
    window.show_screen("detail", "T1")
    yield "detail_appreciation"


def walk_assisted_mode(window):
    """The correspondents' screens, signed in as the demo correspondent, in the display being audited."""
    display = (window.access_bar.contrast.isChecked(), window.access_bar.larger.isChecked())
    window.top_bar.staff.click()
    sign_in = window.screens["staff_sign_in"]
    sign_in.badge.setText(badge_number(1))
    sign_in.pin.setText("0000")
    sign_in.try_sign_in()
    yield "staff_sign_in_error"
    sign_in.badge.setText(badge_number(1))
    sign_in.pin.setText("2468")
    sign_in.try_sign_in()
    window.access_bar.contrast.setChecked(display[0])  # signing in starts from the standard display
    window.access_bar.larger.setChecked(display[1])
    yield "staff_home"
    window.show_screen("queue")
    yield "queue"
    queue = window.screens["queue"]
    queue.filters_button.setChecked(True)
    yield "queue_filters"
    queue.filters_button.setChecked(False)
    queue.choose_move(queue.findChildren(QueueCard)[0].request_id, RequestState.REFUSED)
    yield "reason_picker"
    queue.reason_picker.hide()
    window.show_screen("help_queue")
    yield "help_queue"
    window.show_screen("sync_state")
    yield "sync_state"
    yield from walk_payments(window)
    window.show_screen("assisted_identify")
    window.screens["assisted_identify"].try_identify()
    yield "assisted_identify_error"
    window.assisted_mode.confirm_exit()
    yield "exit_question"
    window.assisted_mode.sign_out("user")


def walk_payments(window):
    """Taking a payment at the desk (a bad amount, one recorded, a correction) and the day's takings."""
    window.show_screen("payment", "request", owed_request_id(window.services))
    yield "payment"
    pay = window.screens["payment"]
    pay.amount.setText("douze")
    pay.submit_entry()
    yield "payment_error"
    pay.amount.setText("1")
    pay.submit_entry()
    yield "payment_recorded"
    pay.start_correction(window.services.payments.payments(pay.kind, pay.subject_id)[0])
    yield "payment_correction"
    window.show_screen("takings")
    yield "takings"


@pytest.mark.parametrize(
    "language, palette, larger",
    VARIANTS,
    ids=[f"{lang}-{'hc' if pal == HIGH_CONTRAST else 'std'}{'-larger' if big else ''}" for lang, pal, big in VARIANTS],
)
@pytest.mark.parametrize("width, height", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_screen_passes_the_audit(qtbot, window, services, width, height, language, palette, larger):
    size = QSize(width, height)
    window.resize(size)
    window.set_language(language)
    window.access_bar.contrast.setChecked(palette == HIGH_CONTRAST)
    window.access_bar.larger.setChecked(larger)
    assert window.theme.palette == palette and (window.theme.scale > 1) == larger
    problems = []
    seen = []
    for screen in walk(window, qtbot, services):
        for _ in range(3):
            qtbot.wait(1)
        seen.append(screen)
        problems += audit(window, screen, size)
    assert len(seen) == 45
    assert not problems, "\n".join(problems[:40])
