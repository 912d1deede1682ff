"""The offer list: categories, filters, search as you type, and a list to scroll by finger or button."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.catalog import Category, Level
from kiosk.domain.household import looks_like_a_scan
from kiosk.domain.search import DateWindow, OfferQuery, OfferSummary, SearchResult
from kiosk.i18n import Texts
from kiosk.services.catalog import CatalogService
from kiosk.ui.no_results import NoResults
from kiosk.ui.theme import MIN_TOUCH, Theme
from kiosk.ui.widgets import (
    ChoiceRow,
    Screen,
    ScrollButtons,
    ScrollingPage,
    button,
    enable_kinetic_scrolling,
    label,
    pictogram_pixmap,
    running_app,
)

SEARCH_DELAY_MS = 120
PRICE_STEPS = (None, 0, 2000, 5000, 10000, 30000)
LEVELS = (None, Level.CCAS, Level.CMCAS, Level.SLVIE)
WINDOWS = (DateWindow.ANY, DateWindow.WEEK, DateWindow.MONTH, DateWindow.THREE_MONTHS)
SummaryRole = Qt.ItemDataRole.UserRole + 1
_NOT_YET = SearchResult((), 0, capped=False)  # before the first search: nothing found, and nothing to say about it


class OfferListModel(QAbstractListModel):
    def __init__(self, texts: Texts):
        super().__init__()
        self.offers: tuple[OfferSummary, ...] = ()
        self.texts = texts

    def set_offers(self, offers: tuple[OfferSummary, ...]) -> None:
        self.beginResetModel()
        self.offers = offers
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self.offers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        offer = self.offers[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            partial = f". {self.texts('list.partial')}" if offer.partial else ""
            return f"{offer.title}. {offer.summary}. {self._price(offer)}{partial}"
        if role == SummaryRole:
            return offer
        return None

    def _price(self, offer: OfferSummary) -> str:
        if offer.price_from_cents == 0:
            return self.texts("filters.price.free")
        return self.texts("list.from_price", price=self.texts.money(offer.price_from_cents))


@dataclass(frozen=True)
class RowText:
    rect: QRect
    font: QFont
    colour: str
    text: str


@dataclass(frozen=True)
class RowLayout:
    """Where an offer's row draws its card, pictogram and texts."""

    card: QRect
    icon_size: int
    price: RowText
    lines: tuple[RowText, ...]
    badge: RowText
    book: RowText


class OfferDelegate(QStyledItemDelegate):
    """Paints one offer as a card: pictogram, title, summary, place and date, price.

    Sizes and colours follow the theme (larger text makes taller rows, never clipped ones).
    """

    def __init__(self, model: OfferListModel, pictograms: dict[str, str]):
        super().__init__()
        self.model = model
        self.pictograms = pictograms
        self.theme = Theme()

    def row_height(self) -> int:
        px = self.theme.px
        return px(24) + 2 * px(19) + px(60)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), self.row_height())

    def layout(self, row: QRect, offer: OfferSummary) -> RowLayout:
        """Where each part of an offer's row goes, and what each text says."""
        texts, palette, px = self.model.texts, self.theme.palette, self.theme.px
        card = row.adjusted(8, 6, -8, -6)
        icon_size = min(84, card.height() - 24)
        left = card.left() + icon_size + 36
        right = card.right() - 20
        line = (card.height() - 16) // 3
        top = card.top() + 8
        price_font = QFont()
        price_font.setPixelSize(px(22))
        price_font.setBold(True)
        title_font = QFont()
        title_font.setPixelSize(px(24))
        title_font.setBold(True)
        body_font = QFont()
        body_font.setPixelSize(px(19))
        price = (
            texts("filters.price.free")
            if offer.price_from_cents == 0
            else texts("list.from_price", price=texts.money(offer.price_from_cents))
        )
        price_width = QFontMetrics(price_font).horizontalAdvance(price) + 12
        badge, badge_width = "", 0
        if offer.bon_plan:
            badge = texts("badge.bon_plan")
            if offer.discount_percent:
                badge += "  " + texts("list.discount", percent=offer.discount_percent)
            badge_width = QFontMetrics(body_font).horizontalAdvance(badge) + 24
        book = self.book_rect(row, offer)
        # Each line gives the words what the right side leaves it: the price beside the title,
        # the badge and the booking button beside the summary, the button beside place and date.
        beside = [price_width, badge_width, 0]
        if book.isNull():
            badge_rect = QRect(right - badge_width, top + line + 4, badge_width, line - 8)
        else:
            badge_rect = QRect(book.left() - 12 - badge_width, top + line + 4, badge_width, line - 8)
            beside = [price_width, book.width() + (badge_width + 12 if badge else 0), book.width()]
        where_when = offer.location
        if offer.next_start:
            where_when = f"{offer.location} · {texts('list.next_date', date=texts.day(offer.next_start))}"
        if offer.partial:  # listed after those with every word: say why it is here
            where_when = f"{texts('list.partial')} · {where_when}"
        lines = tuple(
            RowText(QRect(left, top + index * line, right - left - beside[index] - 16, line), font, colour, text)
            for index, (font, colour, text) in enumerate(
                (
                    (title_font, palette.text, offer.title),
                    (body_font, palette.muted, offer.summary),
                    (body_font, palette.text, where_when),
                )
            )
        )
        waiting = offer.row_waitlist
        return RowLayout(
            card=card,
            icon_size=icon_size,
            price=RowText(QRect(right - price_width, top, price_width, line), price_font, palette.text, price),
            lines=lines,
            badge=RowText(badge_rect, body_font, palette.on_accent, badge),
            book=RowText(
                book,
                price_font,
                palette.text if waiting else palette.on_primary,
                texts("list.waitlist" if waiting else "list.book") if not book.isNull() else "",
            ),
        )

    def text_places(self, row: QRect, index: QModelIndex) -> list[tuple[QRect, str]]:
        """Each text of a row and where it is drawn (the accessibility audit measures it there)."""
        layout = self.layout(row, index.data(SummaryRole))
        parts = [layout.price, *layout.lines, layout.badge, layout.book]
        return [(part.rect, part.text) for part in parts if part.text]

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        offer: OfferSummary = index.data(SummaryRole)
        palette = self.theme.palette
        layout = self.layout(option.rect, offer)
        painter.save()
        painter.setPen(QPen(QColor(palette.card_border), 2))
        painter.setBrush(QColor(palette.surface))
        painter.drawRoundedRect(layout.card, 12, 12)
        painter.drawPixmap(
            layout.card.left() + 16,
            layout.card.top() + 12,
            pictogram_pixmap(self.pictograms.get(offer.category, ""), layout.icon_size, palette.text),
        )
        price = layout.price
        painter.setPen(QColor(price.colour))
        painter.setFont(price.font)
        painter.drawText(price.rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, price.text)
        for line in layout.lines:
            painter.setFont(line.font)
            painter.setPen(QColor(line.colour))
            painter.drawText(
                line.rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                painter.fontMetrics().elidedText(line.text, Qt.TextElideMode.ElideRight, line.rect.width()),
            )
        if layout.badge.text:
            painter.setFont(layout.badge.font)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(palette.accent))
            painter.drawRoundedRect(layout.badge.rect, 8, 8)
            painter.setPen(QColor(layout.badge.colour))
            painter.drawText(layout.badge.rect, Qt.AlignmentFlag.AlignCenter, layout.badge.text)
        if layout.book.text:
            waiting = offer.row_waitlist
            # Booking is the strong button; a waiting list, a plain one (the date is full).
            painter.setPen(QPen(QColor(palette.border), 2) if waiting else Qt.PenStyle.NoPen)
            painter.setBrush(QColor(palette.surface if waiting else palette.primary))
            painter.drawRoundedRect(layout.book.rect, 10, 10)
            painter.setFont(layout.book.font)
            painter.setPen(QColor(layout.book.colour))
            painter.drawText(layout.book.rect, Qt.AlignmentFlag.AlignCenter, layout.book.text)
        painter.restore()

    def book_rect(self, row: QRect, offer: OfferSummary) -> QRect:
        """Where the row's "Réserver" (or "Liste d'attente") is drawn; empty when it has none."""
        if offer.row_session_id is None:
            return QRect()
        text = self.model.texts("list.waitlist" if offer.row_waitlist else "list.book")
        card = row.adjusted(8, 6, -8, -6)
        line = (card.height() - 16) // 3
        font = QFont()
        font.setPixelSize(self.theme.px(22))
        font.setBold(True)
        width = max(QFontMetrics(font).horizontalAdvance(text) + 56, 180)
        height = max(2 * line - 4, MIN_TOUCH)
        return QRect(card.right() - 20 - width, card.bottom() - 6 - height, width, height)


class FilterPanel(QFrame):
    """Filters as rows of big choices; no date picker, no slider."""

    changed = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.level = ChoiceRow(LEVELS)
        self.dates = ChoiceRow(WINDOWS)
        self.places = ChoiceRow((False, True))
        self.price = ChoiceRow(PRICE_STEPS)
        self.level_title = label(object_name="heading", wrap=False)
        self.dates_title = label(object_name="heading", wrap=False)
        self.places_title = label(object_name="heading", wrap=False)
        self.price_title = label(object_name="heading", wrap=False)
        self.reset_button = button()
        self.close_button = button(object_name="primary")
        # Each title above its choices: the choices have the whole width to wrap in.
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(10)
        rows = (
            (self.level_title, self.level),
            (self.dates_title, self.dates),
            (self.places_title, self.places),
            (self.price_title, self.price),
        )
        for title, choices in rows:
            column.addWidget(title)
            column.addWidget(choices)
            column.addSpacing(6)
            choices.changed.connect(lambda _value: self.changed.emit())
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.reset_button)
        actions.addWidget(self.close_button)
        column.addLayout(actions)
        self.reset_button.clicked.connect(self.clear)
        self.close_button.clicked.connect(self.closed)

    def retranslate(self, texts: Texts) -> None:
        self.level_title.setText(texts("filters.level"))
        self.level.set_labels([texts(f"filters.level.{v.value if v else 'any'}") for v in LEVELS])
        self.dates_title.setText(texts("filters.dates"))
        self.dates.set_labels([texts(f"filters.dates.{w.value}") for w in WINDOWS])
        self.places_title.setText(texts("filters.places"))
        self.places.set_labels([texts("filters.places.any"), texts("filters.places.only")])
        self.price_title.setText(texts("filters.price"))
        self.price.set_labels(
            [
                texts("filters.price.any")
                if p is None
                else texts("filters.price.free")
                if p == 0
                else texts("filters.price.max", price=texts.money(p))
                for p in PRICE_STEPS
            ]
        )
        self.reset_button.setText(texts("filters.reset"))
        self.close_button.setText(texts("filters.close"))

    def apply_to(self, query: OfferQuery) -> OfferQuery:
        return replace(
            query,
            level=self.level.value(),
            window=self.dates.value(),
            with_places=self.places.value(),
            max_price_cents=self.price.value(),
        )

    def clear(self) -> None:
        self.level.set_value(None)
        self.dates.set_value(DateWindow.ANY)
        self.places.set_value(False)
        self.price.set_value(None)
        self.changed.emit()


class OfferListScreen(Screen):
    offer_chosen = Signal(str)
    book_requested = Signal(str, str)  # offer id, session id: the row's own "Réserver"
    help_requested = Signal()  # from the panel shown when nothing matches
    card_scanned = Signal(str)  # a card scanned while the search field had the focus

    def __init__(self, catalog: CatalogService, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.catalog = catalog
        self.texts = texts
        self.bons_plans = False
        self.categories: list[Category] = catalog.categories()
        self.result = _NOT_YET

        self.title = label(object_name="title")
        self.count = label(object_name="muted")  # wraps rather than clips on a narrow screen
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.search = QLineEdit()
        self.search.setMaxLength(100)
        self.search.setClearButtonEnabled(False)
        self.clear_button = button()
        self.filters_button = button()
        self.filters_button.setCheckable(True)
        self.category_row = ChoiceRow([None] + [c.id for c in self.categories])
        self.filters = FilterPanel()
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.filters)
        # The filters scroll when the screen is short: they never push the window past it.
        self.filters_page = ScrollingPage(holder)
        self.filters_page.hide()

        self.model = OfferListModel(texts)
        self.list = QListView()
        self.list.setModel(self.model)
        self.delegate = OfferDelegate(self.model, {c.id: c.pictogram for c in self.categories})
        self.list.setItemDelegate(self.delegate)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        enable_kinetic_scrolling(self.list)
        self.scroll_buttons = ScrollButtons(self.list)
        self.no_results = NoResults(self.categories)
        no_results_holder = QWidget()
        no_results_layout = QVBoxLayout(no_results_holder)
        no_results_layout.setContentsMargins(0, 0, 0, 0)
        no_results_layout.addWidget(self.no_results)
        self.no_results_page = ScrollingPage(no_results_holder)
        self.no_results_page.hide()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.count, 1)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.clear_button)
        search_row.addWidget(self.filters_button)
        self.results = QWidget()
        results = QHBoxLayout(self.results)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.list, 1)
        results.addWidget(self.scroll_buttons)
        results.addWidget(self.no_results_page, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.setSpacing(14)
        self.heading = QWidget()
        self.heading.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(search_row)
        layout.addWidget(self.category_row)
        layout.addWidget(self.filters_page, 1)
        layout.addWidget(self.results, 1)
        layout.addStretch(0)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_entered)
        self.clear_button.clicked.connect(self.search.clear)
        self.filters_button.toggled.connect(self._show_filters)
        # Typing means looking at results: the filters close, and leave room for the keyboard.
        running_app().focusChanged.connect(
            lambda _old, new: self.filters_button.setChecked(False) if new is self.search else None
        )
        self.filters.closed.connect(lambda: self.filters_button.setChecked(False))
        self.filters.changed.connect(self.refresh)
        self.category_row.changed.connect(lambda _value: self.refresh())
        self.released_at = QPoint()
        self.list.viewport().installEventFilter(self)
        self.list.clicked.connect(self._chosen)
        self.no_results.suggestion_chosen.connect(self._search_for)
        self.no_results.category_chosen.connect(self._browse_category)
        self.no_results.filters_cleared.connect(self.filters.clear)
        self.no_results.help_requested.connect(self.help_requested)

    def _search_for(self, text: str) -> None:
        self.search.setText(text)
        self.refresh()

    def _browse_category(self, category_id: str) -> None:
        """From the no-result panel: the words typed found nothing, so the category is shown whole."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.category_row.set_value(category_id)
        self.refresh()

    def _search_entered(self) -> None:
        """A card scanner types into whatever has the focus: a scan is an identification, not words."""
        if looks_like_a_scan(self.search.text()):
            scanned = self.search.text()
            self.search.clear()
            self.card_scanned.emit(scanned)

    def keyboard_shown(self, shown: bool) -> None:
        """While the on-screen keyboard is up, the heading and the categories give it their room."""
        for part in (self.heading, self.category_row):
            part.setVisible(not shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            self.released_at = event.position().toPoint()
        return False

    def _chosen(self, index: QModelIndex) -> None:
        """A tap on a row opens the offer; on its button, books the date the row shows (or its waiting list)."""
        offer = self.model.offers[index.row()]
        if self.delegate.book_rect(self.list.visualRect(index), offer).contains(self.released_at):
            self.book_requested.emit(offer.id, offer.row_session_id)
        else:
            self.offer_chosen.emit(offer.id)

    def _show_filters(self, shown: bool) -> None:
        """The filters take the list's place while open (the count still shows their effect).
        One leaves before the other comes, so the screen never needs room for both."""
        leaving, coming = (self.results, self.filters_page) if shown else (self.filters_page, self.results)
        leaving.hide()
        coming.show()

    def show_offer(self, bons_plans: bool) -> None:
        """Open the list on the whole offer or on the bons plans, from a clean state."""
        self.reset()
        self.bons_plans = bons_plans
        self._retitle()
        self.refresh()

    def query(self) -> OfferQuery:
        base = OfferQuery(text=self.search.text(), category=self.category_row.value(), bons_plans=self.bons_plans)
        return self.filters.apply_to(base)

    def refresh(self) -> None:
        self._search_timer.stop()
        self.result = self.catalog.search(self.query())
        self.model.set_offers(self.result.offers)
        self.list.scrollToTop()
        self._update_count()

    def _update_count(self) -> None:
        texts = self.texts
        total, shown = self.result.total, len(self.result.offers)
        full = sum(not offer.partial for offer in self.result.offers)
        if self.result.capped:
            self.count.setText(texts("list.count.capped", count=texts.number(total)))
        elif total == 0:
            self.count.setText(texts("list.count.none"))
        elif full == 0:
            self.count.setText(texts("list.count.partial", count=texts.number(total)))
        elif full < shown:  # few offers have every word: those with some of them follow
            self.count.setText(texts("list.count.some", full=texts.number(full), count=texts.number(total - full)))
        elif total == 1:
            self.count.setText(texts("list.count.one"))
        elif total > shown:
            self.count.setText(texts("list.count.more", count=texts.number(total), shown=shown))
        else:
            self.count.setText(texts("list.count.many", count=texts.number(total)))
        active = sum(
            (
                self.filters.level.value() is not None,
                self.filters.dates.value() != DateWindow.ANY,
                bool(self.filters.places.value()),
                self.filters.price.value() is not None,
            )
        )
        nothing = total == 0 and self.result is not _NOT_YET
        if nothing:
            self.no_results.show_for(texts, self.search.text(), self.result.suggestions, bool(active))
        for part in (self.list, self.scroll_buttons):
            part.setVisible(not nothing)
        self.no_results_page.setVisible(nothing)
        self.filters_button.setText(texts("list.filters.active", count=active) if active else texts("list.filters"))

    def _retitle(self) -> None:
        self.title.setText(self.texts("list.title.bons_plans" if self.bons_plans else "list.title.all"))

    def apply_theme(self, theme: Theme) -> None:
        self.delegate.theme = theme
        self.list.doItemsLayout()  # rows take the new height
        self.list.viewport().update()

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.model.texts = texts
        self._retitle()
        self.search.setPlaceholderText(texts("list.search.placeholder"))
        self.search.setAccessibleName(texts("list.search.name"))
        self.clear_button.setText(texts("list.search.clear"))
        self.category_row.set_labels([texts("list.category.all")] + [c.name(texts.language) for c in self.categories])
        self.filters.retranslate(texts)
        self.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.list.setAccessibleName(texts("list.title.all"))
        self._update_count()
        self.list.viewport().update()

    def reset(self) -> None:
        """Back to a blank search: nothing typed by the last person stays."""
        self._search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.category_row.set_value(None)
        self.filters.blockSignals(True)
        self.filters.clear()
        self.filters.blockSignals(False)
        self.filters_button.setChecked(False)
        self.model.set_offers(())
        self.result = _NOT_YET
