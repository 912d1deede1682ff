"""The accessibility audit of a rendered window (WCAG 2.2, EN 301 549, DESIGN.md section 4).

Structure: touch targets at least 48x48 px, an accessible name and role for every control, text at
least 18 px, nothing clipped, overlapping or outside the window.

Pixels: every text the window shows — labels, buttons, line edits (their placeholder too) and the
rows of lists — is measured on its own pixels, inside the widget's padding, where the style draws
it: the background behind the text is the most common colour there, its ink the contrast that the
strongest tenth of the other pixels reaches (so antialiased edges and a stray pixel count for
little). Text drawn in its background's colour, or clipped to nothing, has no ink and fails.
Scroll bars are controls: their handle must stand out from the groove (3:1) and be big enough for a
finger. Whatever sits in a scroll area out of view is scrolled into view and measured too, and the
scroll areas are put back where they were.

Goals: DESIGN.md asks 4.5:1 for text, whatever its size, and 3:1 for controls; the high-contrast
display aims at WCAG's enhanced level (1.4.6, 7:1), or it would be no higher than the standard one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image
from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAccessible, QFontInfo, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFrame,
    QStyleOptionSlider,
    QWidget,
)

RGB = tuple[int, int, int]
MIN_TARGET = 48
MIN_TEXT_PX = 18
TEXT_GOAL = 4.5
HIGH_CONTRAST_TEXT_GOAL = 7.0
CONTROL_GOAL = 3.0
# A pixel is ink when it stands this far from the background (fainter ones are antialiasing's haze).
INK_THRESHOLD = 1.2
# The share of a text's ink pixels that must reach the measured ratio.
INK_SHARE = 0.1
# Fewer ink pixels than this is no readable text at all.
MIN_INK_PIXELS = 6


@cache  # a screen has few colours, and its texts are measured pixel by pixel
def luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_rgb(colour: str) -> RGB:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


@dataclass(frozen=True)
class Picture:
    """A part of the window as rendered (QWidget.grab), addressed in window coordinates."""

    image: Image.Image
    area: QRect

    @classmethod
    def of(cls, window: QWidget, area: QRect | None = None) -> Picture:
        area = (area or window.rect()).intersected(window.rect())
        image = window.grab(area).toImage().convertToFormat(QImage.Format.Format_RGB888)
        picture = Image.frombuffer(
            "RGB", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGB", image.bytesPerLine(), 1
        )
        return cls(picture, area)

    def colours(self, rect: QRect) -> list[tuple[int, RGB]]:
        """How many pixels of each colour `rect` holds (the part of it this picture shows)."""
        part = rect.intersected(self.area).translated(-self.area.topLeft())
        if part.isEmpty():
            return []
        crop = self.image.crop((part.left(), part.top(), part.right() + 1, part.bottom() + 1))
        return crop.getcolors(maxcolors=part.width() * part.height()) or []


@dataclass(frozen=True)
class Ink:
    """A text's ink and the background behind it, as rendered (ratio 1.0: no ink, nothing to read)."""

    ratio: float
    ink: RGB
    background: RGB

    def __str__(self) -> str:
        return f"{self.ratio:.2f}:1 (ink {hex_colour(self.ink)} on {hex_colour(self.background)})"


def hex_colour(rgb: RGB) -> str:
    return "#" + "".join(f"{value:02x}" for value in rgb)


def measured_ink(colours: list[tuple[int, RGB]]) -> Ink:
    """The background is the most common colour where the text is drawn; the ink, the colour the strongest
    tenth of the other pixels reaches, so antialiased edges and a stray pixel count for little (`colours`: the
    pixels of a rect that shows, never none)."""
    background = max(colours)[1]
    ink = sorted(
        (
            (ratio, count, colour)
            for count, colour in colours
            if (ratio := contrast(colour, background)) >= INK_THRESHOLD
        ),
        reverse=True,
    )
    total = sum(count for _, count, _ in ink)
    if total < MIN_INK_PIXELS:
        return Ink(1.0, background, background)
    wanted, seen = max(1, round(total * INK_SHARE)), 0
    for ratio, count, colour in ink:
        seen += count
        if seen >= wanted:
            return Ink(ratio, colour, background)
    return Ink(1.0, background, background)


def handle_contrast(picture: Picture, bar: QScrollBar) -> float | None:
    """A scroll bar's handle against its groove (None when the handle leaves no groove to see)."""
    option = QStyleOptionSlider()
    bar.initStyleOption(option)

    def part(control: QStyle.SubControl) -> QRect:
        rect = bar.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, control, bar)
        return rect.translated(bar.mapTo(bar.window(), QPoint(0, 0)))

    handle = part(QStyle.SubControl.SC_ScrollBarSlider)
    # The groove shows above and below the handle: the larger of the two is measured.
    pages = (part(QStyle.SubControl.SC_ScrollBarSubPage), part(QStyle.SubControl.SC_ScrollBarAddPage))
    track = max(pages, key=lambda rect: rect.width() * rect.height())
    if track.width() < 8 or track.height() < 8:
        return None
    # The middle of each: the handle's rounded corners and the groove's edges are neither.
    handle_colours = picture.colours(handle.adjusted(4, 4, -4, -4))
    track_colours = picture.colours(track.adjusted(3, 3, -3, -3))
    return contrast(max(handle_colours)[1], max(track_colours)[1])


def shown_text(widget: QWidget) -> str:
    """The words a widget shows (a line edit's placeholder while it is empty)."""
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    return ""


def text_rect(widget: QWidget, text: str) -> QRect:
    """Where a widget's text is drawn, in its own coordinates: inside its border and padding."""
    metrics = widget.fontMetrics()
    if isinstance(widget, QLineEdit):
        frame = QStyleOptionFrame()
        widget.initStyleOption(frame)
        return widget.style().subElementRect(QStyle.SubElement.SE_LineEditContents, frame, widget)
    if isinstance(widget, QPushButton):
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        inside = widget.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, widget)
        words = metrics.boundingRect(
            inside, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextShowMnemonic, text.replace("&&", "&")
        )
        if not widget.icon().isNull():  # the icon before the words, the two centred together
            words.translate((widget.iconSize().width() + 4) // 2, 0)
        return words.adjusted(-2, -2, 2, 2).intersected(inside)
    inside = widget.contentsRect()
    if isinstance(widget, QLabel):
        margin = widget.margin()
        inside = inside.adjusted(margin, margin, -margin, -margin)
        if widget.textFormat() == Qt.TextFormat.PlainText:
            flags = int(widget.alignment().value) | (Qt.TextFlag.TextWordWrap.value if widget.wordWrap() else 0)
            return metrics.boundingRect(inside, flags, text).adjusted(-2, -2, 2, 2).intersected(inside)
    return inside


@dataclass(frozen=True)
class Text:
    """One text on screen: what it says, where its pixels are now (in the window), how to bring it into view."""

    name: str
    words: str
    widget: QWidget
    place: Callable[[], QRect]
    into_view: Callable[[], None]


def bring_into_view(widget: QWidget) -> None:
    """Scroll each scroll area holding `widget`, the innermost first, until it shows."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
            parent.ensureWidgetVisible(widget, 0, 0)
        parent = parent.parentWidget()


def in_window(widget: QWidget, rect: QRect) -> QRect:
    return rect.translated(widget.mapTo(widget.window(), QPoint(0, 0)))


def shown_part(widget: QWidget) -> QRect:
    """The part of a widget not clipped by the scroll areas and frames around it, in window coordinates."""
    return in_window(widget, widget.visibleRegion().boundingRect())


def widget_text(widget: QWidget, name: str) -> Text | None:
    words = shown_text(widget)
    if not words.strip():
        return None
    return Text(
        name, words, widget, lambda: in_window(widget, text_rect(widget, words)), lambda: bring_into_view(widget)
    )


def row_texts(view: QAbstractItemView, name: str) -> list[Text]:
    """Each row's texts: where the delegate says it draws them (`text_places`), else the whole row."""
    model = view.model()
    texts = []
    for row in range(model.rowCount() if model is not None else 0):
        index = model.index(row, 0)

        def places(index: QModelIndex = index) -> list[tuple[QRect, str]]:
            rect = view.visualRect(index)
            delegate = view.itemDelegateForIndex(index)
            if hasattr(delegate, "text_places"):
                return list(delegate.text_places(rect, index))
            return [(rect, str(index.data() or ""))]

        def into_view(index: QModelIndex = index) -> None:
            view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
            bring_into_view(view)

        for part, (_, words) in enumerate(places()):
            if words.strip():

                def place(index: QModelIndex = index, part: int = part) -> QRect:
                    return in_window(view.viewport(), places(index)[part][0])

                texts.append(Text(f"{name} row {row + 1}", words, view.viewport(), place, into_view))
    return texts


def scrolled_part(widget: QWidget) -> QRect:
    """What scrolling can have changed for `widget`: its outermost scroll area's view (the window if none)."""
    part = widget.window().rect()
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            part = shown_part(parent.viewport())
        parent = parent.parentWidget()
    return part


def measure_texts(window: QWidget, picture: Picture, texts: list[Text], screen_name: str, goal: float) -> list[str]:
    """Every text's contrast on its rendered pixels; those out of view are scrolled in first."""
    areas = [a for a in window.findChildren(QAbstractScrollArea) if a.isVisible()]
    positions = [(a.horizontalScrollBar().value(), a.verticalScrollBar().value()) for a in areas]
    problems: list[str] = []
    pending = texts
    while pending:
        later = []
        for text in pending:
            place = text.place()
            if picture.area.contains(place) and shown_part(text.widget).contains(place):
                problems += judged(text, picture, place, screen_name, goal)
            else:
                later.append(text)
        if not later:
            break
        first, *pending = later
        first.into_view()
        picture = Picture.of(window, scrolled_part(first.widget))
        place = first.place()
        shown = place.intersected(shown_part(first.widget))
        if shown != place:  # taller than the view, or clipped for good: what shows is what counts
            problems += judged(first, picture, shown, screen_name, goal)
        else:
            pending.insert(0, first)
    for area, (horizontal, vertical) in zip(areas, positions, strict=True):
        area.horizontalScrollBar().setValue(horizontal)
        area.verticalScrollBar().setValue(vertical)
    return problems


def judged(text: Text, picture: Picture, place: QRect, screen_name: str, goal: float) -> list[str]:
    where = f"{screen_name}: {text.name} {text.words!r}"
    colours = picture.colours(place)
    if not colours:
        return [f"{where}: text clipped to nothing (no pixel left to read), goal {goal}:1"]
    ink = measured_ink(colours)
    if ink.ratio >= goal:
        return []
    return [f"{where}: {'text invisible' if ink.ratio == 1.0 else 'text contrast'} {ink}, goal {goal}:1"]


def audit_scroll_bars(picture: Picture, bars: list[QScrollBar], screen_name: str) -> list[str]:
    problems = []
    for bar in bars:
        holder = bar.parentWidget()
        if holder is not None and holder.objectName().startswith("qt_scrollarea"):
            holder = holder.parentWidget()  # an area's own bar: name the area
        where = f"{screen_name}: scroll bar of {describe(holder)}"
        vertical = bar.orientation() == Qt.Orientation.Vertical
        thickness = bar.width() if vertical else bar.height()
        if thickness < MIN_TARGET:
            problems.append(f"{where}: {thickness} px thick, goal {MIN_TARGET} px")
        if bar.maximum() == bar.minimum():
            continue
        option = QStyleOptionSlider()
        bar.initStyleOption(option)
        handle = bar.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, bar
        )
        length = handle.height() if vertical else handle.width()
        if length < MIN_TARGET:
            problems.append(f"{where}: handle {length} px long, goal {MIN_TARGET} px")
        ratio = handle_contrast(picture, bar)
        if ratio is not None and ratio < CONTROL_GOAL:
            problems.append(f"{where}: handle against its groove {ratio:.2f}:1, goal {CONTROL_GOAL}:1")
    return problems


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    name = widget.accessibleName() or shown_text(widget) or widget.objectName()
    return f"{type(widget).__name__} {name!r}" if name else type(widget).__name__


def scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: allowed past the window's edges while scrolled away."""
    parent = widget.parentWidget()
    while parent is not None:
        outer = parent.parentWidget()
        if isinstance(outer, QAbstractScrollArea) and parent is outer.viewport():
            return True
        parent = outer
    return False


def structure_problems(window: QWidget, widget: QWidget, where: str) -> list[str]:
    """What can be checked without looking at the pixels: place, size, names, text size, cut text."""
    problems = []
    placed = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    if not window.rect().contains(placed) and not scrolled(widget):
        problems.append(f"{where}: outside the window ({placed.x()},{placed.y()} {placed.width()}x{placed.height()})")
    if isinstance(widget, QAbstractButton | QLineEdit | QPlainTextEdit | QAbstractItemView):
        if widget.width() < MIN_TARGET or widget.height() < MIN_TARGET:
            problems.append(f"{where}: target {widget.width()}x{widget.height()}")
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            problems.append(f"{where}: no accessible name")
        elif interface.role() == QAccessible.Role.NoRole:
            problems.append(f"{where}: no accessible role")
    text = shown_text(widget)
    if text.strip():
        size = QFontInfo(widget.font()).pixelSize()
        if size < MIN_TEXT_PX:
            problems.append(f"{where}: text {size} px")
    if isinstance(widget, QLabel) and text.strip():
        if widget.wordWrap():
            if widget.heightForWidth(widget.width()) > widget.height() + 2:
                problems.append(f"{where}: text cut ({widget.heightForWidth(widget.width())} > {widget.height()})")
        elif widget.sizeHint().width() > widget.width() + 2:
            problems.append(f"{where}: text cut ({widget.sizeHint().width()} > {widget.width()})")
    if (
        isinstance(widget, QAbstractButton)
        and text.strip()
        and widget.layout() is None
        and widget.fontMetrics().horizontalAdvance(text.replace("&&", "&")) > widget.width() - 8
    ):
        problems.append(f"{where}: button text cut")
    return problems


def overlaps(window: QWidget, controls: list[QWidget], screen_name: str) -> list[str]:
    """Controls on top of one another, as they show now (those scrolled away are clipped to nothing)."""
    shown = [(shown_part(w), w) for w in controls if not w.visibleRegion().isEmpty()]
    problems = []
    for index, (rect, widget) in enumerate(shown):
        for other_rect, other in shown[index + 1 :]:
            if rect.intersects(other_rect) and not widget.isAncestorOf(other) and not other.isAncestorOf(widget):
                problems.append(f"{screen_name}: {describe(widget)} overlaps {describe(other)}")
    return problems


def audit(window: QWidget, screen_name: str, size: QSize, goal: float = TEXT_GOAL) -> list[str]:
    """Every problem the audit finds on the screen the window shows, one line each."""
    problems = []
    content = window.centralWidget() if isinstance(window, QMainWindow) else window
    least = content.minimumSizeHint()
    if least.width() > size.width() or least.height() > size.height():
        problems.append(f"{screen_name}: needs {least.width()}x{least.height()}, more than the screen")
    # With a message over the screen, only the message can be read and touched.
    overlays = [o for o in window.findChildren(QWidget, "overlay") if o.isVisible()]
    scope = overlays[0] if overlays else window
    everything = [w for w in scope.findChildren(QWidget) if w.isVisible() and w.window() is window]
    texts: list[Text] = []
    for widget in everything:
        name = describe(widget)
        problems += structure_problems(window, widget, f"{screen_name}: {name}")
        if isinstance(widget, QAbstractItemView):
            texts += row_texts(widget, name)
        elif (text := widget_text(widget, name)) is not None:
            texts.append(text)
    controls = [
        w for w in everything if isinstance(w, QAbstractButton | QLineEdit | QPlainTextEdit | QAbstractItemView)
    ]
    problems += overlaps(window, controls, screen_name)
    picture = Picture.of(window)
    problems += audit_scroll_bars(picture, [w for w in everything if isinstance(w, QScrollBar)], screen_name)
    problems += measure_texts(window, picture, texts, screen_name, goal)
    return problems
