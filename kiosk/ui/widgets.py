"""Touch-first building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import ASSETS_DIR
from kiosk.i18n import Texts
from kiosk.ui.theme import MIN_TOUCH, Theme, style_sheet

Choice = TypeVar("Choice")


@cache
def pictogram(name: str) -> QIcon:
    """An icon from assets/pictograms (an empty icon if the file is missing, never an error)."""
    return QIcon(str(ASSETS_DIR / "pictograms" / name))


@lru_cache(maxsize=256)
def pictogram_pixmap(name: str, size: int, color: str) -> QPixmap:
    """A pictogram drawn in `color` (the drawings are one colour on transparent), so it keeps
    its contrast on any background, high-contrast theme included."""
    pixmap = pictogram(name).pixmap(size, size)
    if pixmap.isNull():
        return pixmap
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), QColor(color))
    painter.end()
    return pixmap


def button(
    text: str = "", object_name: str | None = None, accessible_name: str | None = None, big: bool = False
) -> QPushButton:
    widget = QPushButton(text)
    if big:
        widget.setProperty("big", True)
    widget.setMinimumSize(MIN_TOUCH, MIN_TOUCH)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if object_name:
        widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget


def apply_style(app: QApplication, theme: Theme) -> None:
    """The whole application in `theme`: one style sheet and the base font."""
    font = app.font()
    font.setPixelSize(theme.px("body"))
    app.setFont(font)
    app.setStyleSheet(style_sheet(theme))


def plain_button_text(text: str) -> str:
    """Button text shown as written: a single "&" would otherwise become a keyboard shortcut mark."""
    return text.replace("&", "&&")


def label(text: str = "", object_name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        widget.setObjectName(object_name)
    return widget


def empty_layout(layout: QLayout) -> None:
    """Remove and delete everything a layout holds (a screen rebuilt for new content)."""
    while (item := layout.takeAt(0)) is not None:
        widget, inner = item.widget(), item.layout()
        if widget:
            # Off the window now: a deferred delete alone would leave it painted until the loop runs.
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            empty_layout(inner)
            inner.deleteLater()


class Screen(QWidget):
    """One of the window's screens. The window calls these on every screen it has built: each sets
    all its visible words in `retranslate` (a language switch is one call) and forgets the last
    person in `reset`."""

    def retranslate(self, texts: Texts) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def apply_theme(self, theme: Theme) -> None:
        """Most screens follow the style sheet alone; those that size or draw by the theme say more."""

    def keyboard_shown(self, shown: bool) -> None:
        """The on-screen keyboard came (or went): most screens have nothing to give up for it."""


def enable_kinetic_scrolling(area: QAbstractScrollArea) -> None:
    """Drag to scroll with a finger or the mouse; taps still reach the items."""
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)


class FlowLayout(QLayout):
    """Items side by side, going on to the next line when the width runs out (as words do):
    a row of choices never clips its buttons on a narrow screen or with larger text."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line_height = area.x(), y + line_height + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(min(hint.width(), area.width()), hint.height())))
            x += hint.width() + self.spacing()
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class ChoiceRow(QWidget, Generic[Choice]):
    """A row of big buttons of which exactly one is chosen (a touch-friendly radio group); it
    goes on to a second line rather than clip its buttons."""

    changed = Signal(object)  # the value chosen, a Choice

    def __init__(self, values: Sequence[Choice], parent: QWidget | None = None):
        super().__init__(parent)
        self._values = list(values)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        layout = FlowLayout(self)
        for index, _ in enumerate(self._values):
            choice = button()
            choice.setCheckable(True)
            self._group.addButton(choice, index)
            layout.addWidget(choice)
        self._group.button(0).setChecked(True)
        self._group.idClicked.connect(lambda index: self.changed.emit(self._values[index]))

    def value(self) -> Choice:
        return self._values[self._group.checkedId()]

    def set_value(self, value: Choice) -> None:
        self._group.button(self._values.index(value)).setChecked(True)

    def set_labels(self, labels: Sequence[str]) -> None:
        for index, text in enumerate(labels):
            self._group.button(index).setText(plain_button_text(text))
            self._group.button(index).setAccessibleName(text)

    def buttons(self) -> list[QAbstractButton]:
        return [self._group.button(i) for i in range(len(self._values))]


class ScrollButtons(QWidget):
    """Large ▲ / ▼ buttons that move a list by most of a page, and between them the list's scroll bar, as
    wide as they are: no gesture required, and a handle a finger can drag (the area's own thin bar is off)."""

    def __init__(self, area: QAbstractScrollArea, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scrollButtons")
        self._area = area
        self.up = button("▲")
        self.down = button("▼")
        self.bar = QScrollBar(Qt.Orientation.Vertical)
        self.bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        for part in (self.up, self.down, self.bar):
            # The same room whether they show or not: no layout jumps. The width is the
            # style's (its minimum button width grows with larger text), so never clipped.
            policy = part.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            part.setSizePolicy(policy)
        for arrow in (self.up, self.down):
            arrow.setFixedHeight(72)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addWidget(self.up)
        self.column.addWidget(self.bar, 1)
        self.column.addWidget(self.down)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        source = area.verticalScrollBar()
        source.valueChanged.connect(self.bar.setValue)
        self.bar.valueChanged.connect(source.setValue)
        source.valueChanged.connect(self._refresh)
        source.rangeChanged.connect(self._refresh)
        self._refresh()

    def set_names(self, up: str, down: str) -> None:
        self.up.setAccessibleName(up)
        self.down.setAccessibleName(down)

    def _move(self, direction: int) -> None:
        bar = self._area.verticalScrollBar()
        # Lists scroll by pixel (see OfferListScreen), so a step is most of the visible height.
        step = max(int(self._area.viewport().height() * 0.8), 1)
        bar.setValue(bar.value() + direction * step)

    def _refresh(self) -> None:
        source = self._area.verticalScrollBar()
        # Areas scroll by pixel: a page is the visible height (the handle's share of the groove).
        self.bar.setPageStep(max(self._area.viewport().height(), 1))
        self.bar.setRange(source.minimum(), source.maximum())
        self.bar.setValue(source.value())
        self.up.setEnabled(source.value() > source.minimum())
        self.down.setEnabled(source.value() < source.maximum())
        # Nothing to scroll, nothing to show: the column keeps its place but stays out of sight.
        fits = source.maximum() == source.minimum()
        self.up.setVisible(not fits)
        self.down.setVisible(not fits)
        # A handle a finger can hold needs room to move; on a short list the arrows alone are clearer.
        room = self.height() - self.up.height() - self.down.height() - 2 * self.column.spacing()
        self.bar.setVisible(not fits and room >= 2 * MIN_TOUCH)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refresh()


class ScrollingPage(QWidget):
    """A screen's content that scrolls when it does not fit (long lists, larger text, the
    on-screen keyboard), by finger or with the big buttons."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        content.setObjectName("screen")
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setWidget(content)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_kinetic_scrolling(self.area)
        self.scroll_buttons = ScrollButtons(self.area)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.area, 1)
        row.addWidget(self.scroll_buttons)

    def keep_in_view(self, field: QWidget, whole: QWidget) -> None:
        """Whenever the page's height changes while `field` is typed into (the on-screen keyboard has just
        taken its share), `whole` (the field with its count, not only its cursor's line) is scrolled into
        view: the keyboard never hides it."""

        def again(*_: object) -> None:
            if field.hasFocus():
                self.area.ensureWidgetVisible(whole, 0, 16)

        self.area.verticalScrollBar().rangeChanged.connect(again)


def scrolling_column(screen: QWidget, *parts: QWidget | QLayout, spacing: int = 16) -> ScrollingPage:
    """The usual body of a screen: its parts one under the other (a title, an intro, a list of cards, a
    form…) with the screens' margins, in a page that scrolls; it fills `screen`."""
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(60, 16, 60, 24)
    column.setSpacing(spacing)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    column.addStretch(1)
    page = ScrollingPage(body)
    QVBoxLayout(screen).addWidget(page)
    return page


def card(parent_layout: QVBoxLayout, *widgets: QWidget) -> QVBoxLayout:
    """A framed block added to `parent_layout`, holding `widgets`; returns the layout more content goes in."""
    frame = QFrame()
    frame.setObjectName("card")
    inner = QVBoxLayout(frame)
    inner.setContentsMargins(28, 16, 28, 16)
    inner.setSpacing(10)
    for widget in widgets:
        inner.addWidget(widget)
    parent_layout.addWidget(frame)
    return inner


class LongTextField(QWidget):
    """A few lines to write in (an idea, a comment), with how many characters are used out of how many are
    allowed under it. A text over the limit is kept as typed and its count shown as an error: the service
    refuses it with a clear message, nothing is cut without the person seeing it."""

    def __init__(self, max_chars: int, lines: int = 4, parent: QWidget | None = None):
        super().__init__(parent)
        self.max_chars = max_chars
        self.lines = lines
        self.texts: Texts | None = None
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.apply_theme(Theme())
        self.count = label(object_name="muted")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.edit)
        column.addWidget(self.count)
        self.edit.textChanged.connect(self._count)

    def text(self) -> str:
        return self.edit.toPlainText()

    def clear(self) -> None:
        self.edit.clear()

    def retranslate(self, texts: Texts, name: str) -> None:
        self.texts = texts
        self.edit.setAccessibleName(name)
        self._count()

    def apply_theme(self, theme: Theme) -> None:
        """Its lines at the theme's text size: larger text makes a taller field."""
        self.edit.setFixedHeight(round(self.lines * theme.px("lead") * 1.45) + 24)

    def _count(self) -> None:
        if self.texts is None:
            return
        used = len(self.text())
        self.count.setText(self.texts("field.count", used=used, max_chars=self.max_chars))
        over = used > self.max_chars
        if self.count.objectName() != ("error" if over else "muted"):
            self.count.setObjectName("error" if over else "muted")
            self.count.style().polish(self.count)


def scroll_to_top(screen: QWidget) -> None:
    """Every scrolling part of `screen` back at its start: a screen opens at its top for each person."""
    for area in screen.findChildren(QAbstractScrollArea):
        area.verticalScrollBar().setValue(0)


class NewsBanner(QFrame):
    """News for the person (a pressing ready) above the screen, never over it: it waits
    until they close it or the session ends, and interrupts nothing."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newsBanner")
        self.title = label(object_name="emphasis")
        self.message = label()
        self.close_button = button()
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.title)
        words.addWidget(self.message)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 10, 24, 10)
        row.setSpacing(20)
        row.addLayout(words, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_news(self, title: str, message: str, close: str) -> None:
        self.title.setText(title)
        self.message.setText(message)
        self.close_button.setText(close)
        self.show()


def overlay_dialog(overlay: QWidget, max_width: int) -> QVBoxLayout:
    """Make `overlay` a dimmed layer over the window with a dialog in its middle; returns the dialog's layout."""
    overlay.setObjectName("overlay")
    overlay.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    dialog = QFrame()
    dialog.setObjectName("dialog")
    dialog.setMaximumWidth(max_width)
    inner = QVBoxLayout(dialog)
    inner.setContentsMargins(40, 36, 40, 36)
    outer = QVBoxLayout(overlay)
    outer.addStretch(1)
    # As wide as the window allows up to `max_width`, with a margin: no stretch factors, so the
    # height it is given for its wrapped text is the height it needs at that width.
    dialog.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    row = QHBoxLayout()
    row.setContentsMargins(48, 0, 48, 0)
    row.addStretch(0)
    row.addWidget(dialog)
    row.addStretch(0)
    outer.addLayout(row)
    outer.addStretch(1)
    return inner


class Overlay(QWidget):
    """A message over the whole window with one big button, and a second one when a choice is
    asked ("Oui, annuler" / "Non, garder"): no separate window on a kiosk."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._host = parent  # the window it covers, and follows when resized
        self._on_close: Callable[[], None] | None = None
        self._on_secondary: Callable[[], None] | None = None
        inner = overlay_dialog(self, 900)
        inner.setSpacing(24)
        self.title = label(object_name="title")
        self.message = label(object_name="lead")
        self.action = button(object_name="primary", big=True)
        self.secondary = button(big=True)
        inner.addWidget(self.title)
        inner.addWidget(self.message)
        inner.addWidget(self.action)
        inner.addWidget(self.secondary)
        self.action.clicked.connect(self._close)
        self.secondary.clicked.connect(self._choose_secondary)
        parent.installEventFilter(self)
        self.hide()

    def open(
        self,
        title: str,
        message: str,
        action: str,
        on_close: Callable[[], None] | None = None,
        secondary: str | None = None,
        on_secondary: Callable[[], None] | None = None,
    ) -> None:
        self.title.setText(title)
        self.message.setText(message)
        self.action.setText(action)
        self._on_close = on_close
        self.secondary.setVisible(secondary is not None)
        self.secondary.setText(secondary or "")
        self._on_secondary = on_secondary
        self.setGeometry(self._host.rect())
        self.show()
        self.raise_()

    def _close(self) -> None:
        self.hide()
        callback, self._on_close, self._on_secondary = self._on_close, None, None
        if callback:
            callback()

    def _choose_secondary(self) -> None:
        self.hide()
        callback, self._on_close, self._on_secondary = self._on_secondary, None, None
        if callback:
            callback()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False


def running_app() -> QApplication:
    """The kiosk's Qt application, which exists before any screen does."""
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("the kiosk's screens need its QApplication")
    return cast(QApplication, app)  # a QApplication, not a bare QCoreApplication: the kiosk makes it so
