"""One offer: what it is, its dates with the places left (and how fresh that figure is), its prices, and what
participants thought of it (averages, count, the latest published comments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.appreciation import QUESTIONS, OfferAppreciation
from kiosk.domain.catalog import BookingMode, Level, Offer, Session
from kiosk.domain.stay_wishes import wishes_open
from kiosk.i18n import Texts
from kiosk.services.catalog import CatalogService
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import FlowLayout, Screen, ScrollingPage, button, empty_layout, label, pictogram_pixmap

PHOTO_WIDTH, PHOTO_HEIGHT = 240, 160  # at scale 1: beside the title, the dates stay in view


class OfferDetailScreen(Screen):
    book_requested = Signal(str, str)  # offer id, session id
    print_requested = Signal(str)  # offer id: the sheet to take home
    wish_requested = Signal(str, str)  # offer id, session id: a stay asked for among the person's wishes

    def __init__(
        self,
        catalog: CatalogService,
        texts: Texts,
        appreciation_of: Callable[[str], OfferAppreciation | None] = lambda _offer_id: None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.catalog = catalog
        self.appreciation_of = appreciation_of
        self.texts = texts
        self.offer: Offer | None = None
        self.print_status = ""  # what came of "Imprimer cette offre", until another offer is shown
        self.theme = Theme()
        self.pictograms = {c.id: c.pictogram for c in catalog.categories()}

        self.content = QWidget()
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(8, 8, 24, 24)
        self.body.setSpacing(18)
        self.page = ScrollingPage(self.content)
        self.area, self.scroll_buttons = self.page.area, self.page.scroll_buttons
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.page)

    def show_offer(self, offer_id: str) -> None:
        self.offer = self.catalog.offer(offer_id)
        self.print_status = ""
        self._build()

    def set_print_status(self, offer_id: str, message: str, _printed: bool = False) -> None:
        if self.offer is not None and self.offer.id == offer_id:
            self.print_status = message
            self.status.setText(message)
            self.status.setVisible(bool(message))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._build()

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self._build()

    def reset(self) -> None:
        self.offer = None
        self.print_status = ""
        self._build()

    def _photo(self, offer: Offer) -> QPixmap | None:
        """The offer's photo, scaled to the header (a file that does not load counts as none)."""
        path = self.catalog.photo_path(offer)
        pixmap = QPixmap(str(path)) if path is not None else None
        if pixmap is None or pixmap.isNull():
            return None
        return pixmap.scaled(
            round(PHOTO_WIDTH * self.theme.scale),
            round(PHOTO_HEIGHT * self.theme.scale),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )

    def _build(self) -> None:
        empty_layout(self.body)
        texts, offer = self.texts, self.offer
        if offer is None:
            self.body.addWidget(label(texts("detail.missing"), "title"))
            self.body.addStretch(1)
            return
        header = QHBoxLayout()
        picture = QLabel()
        photo = self._photo(offer)
        if photo is not None:
            picture.setPixmap(photo)
            picture.setAccessibleName(texts("detail.photo", title=offer.title))
        else:  # no photo in the catalog, or not fetched yet: the category's pictogram
            picture.setPixmap(pictogram_pixmap(self.pictograms.get(offer.category, ""), 112, self.theme.palette.text))
        header.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.addWidget(label(offer.title, "title"))
        words.addWidget(label(texts("detail.organiser", organiser=offer.organiser) + " · " + offer.location, "muted"))
        if photo is not None and offer.photo is not None:
            words.addWidget(label(offer.photo.credit, "muted"))
        # The badges, then "Imprimer cette offre" on the same line while there is room (no height taken
        # from the dates below), going on to the next line on a narrow screen or with larger text.
        badges = FlowLayout(spacing=12)
        for text, accent in self._badges(offer):
            badges.addWidget(label(text, "badgeAccent" if accent else "badge", wrap=False))
        self.print_button = button(texts("paper.print"), accessible_name=texts("paper.print.name"))
        self.print_button.clicked.connect(lambda: self.print_requested.emit(offer.id))
        badges.addWidget(self.print_button)
        words.addLayout(badges)
        header.addLayout(words, 1)
        self.body.addLayout(header)
        self.status = label(self.print_status, "status")
        self.status.setVisible(bool(self.print_status))
        self.body.addWidget(self.status)

        self.body.addWidget(label(texts("detail.sessions"), "heading"))
        now = self.catalog.now()
        for session in offer.sessions:
            self.body.addWidget(self._session_card(offer, session, now))
        if offer.booking_mode == BookingMode.REQUEST and offer.campaign and offer.wishes_until:
            self.body.addWidget(label(texts("detail.wishes_rule", when=texts.day(offer.wishes_until.date())), "muted"))
        elif offer.booking_mode == BookingMode.REQUEST:
            self.body.addWidget(label(texts("detail.request_rule"), "muted"))
        days = offer.cancel_days_before
        self.body.addWidget(
            label(
                texts("detail.cancel_rule.none")
                if days == 0
                else texts("detail.cancel_rule.one")
                if days == 1
                else texts("detail.cancel_rule", days=days),
                "muted",
            )
        )
        # What it is comes after when and "Réserver", which stay in view without scrolling.
        for paragraph in offer.description.split("\n\n"):
            if paragraph.strip():
                self.body.addWidget(label(paragraph.strip()))

        self.body.addWidget(label(texts("detail.prices"), "heading"))
        self.body.addWidget(label(texts("detail.prices.explain", top=len(offer.prices)), "muted"))
        prices = QGridLayout()
        prices.setHorizontalSpacing(24)
        columns = 4
        for index, cents in enumerate(offer.prices):
            cell = QFrame()
            cell.setObjectName("card")
            cell_layout = QVBoxLayout(cell)
            cell_layout.addWidget(label(texts("detail.tier", tier=index + 1), "muted"))
            price = label(texts("detail.free") if cents == 0 else texts.money(cents), "emphasis")
            cell_layout.addWidget(price)
            prices.addWidget(cell, index // columns, index % columns)
        self.body.addLayout(prices)
        self._appreciation(offer)
        self.body.addStretch(1)
        self.area.verticalScrollBar().setValue(0)

    def _appreciation(self, offer: Offer) -> None:
        """The published appreciation: each question's average, the count, the latest comments, newest first."""
        published = self.appreciation_of(offer.id)
        if published is None or published.count == 0:
            return
        texts = self.texts
        self.body.addWidget(label(texts("detail.appreciation", count=texts.number(published.count)), "heading"))
        for question in QUESTIONS:
            value = texts.tenths(published.averages.get(question.code, 0))
            self.body.addWidget(
                label(texts("detail.appreciation.average", question=question.label(texts.language), value=value))
            )
        for comment in published.comments:
            self.body.addWidget(
                label(
                    texts(
                        "detail.appreciation.comment",
                        author=comment.author,
                        when=texts.day(datetime.combine(comment.day, time()), weekday=False),
                        comment=comment.comment,
                    ),
                    "muted",
                )
            )

    def _badges(self, offer: Offer) -> list[tuple[str, bool]]:
        texts = self.texts
        level = {
            Level.CCAS: texts("level.ccas"),
            Level.CMCAS: texts("level.cmcas"),
            Level.SLVIE: texts("level.slvie"),
        }[offer.level]
        badges = [(level, False)]
        if offer.bon_plan:
            text = texts("badge.bon_plan")
            if offer.discount_percent:
                text += "  " + texts("list.discount", percent=offer.discount_percent)
            badges.append((text, True))
        if offer.trans_slvie:
            badges.append((texts("badge.trans_slvie"), False))
        if offer.age_min is not None and offer.age_max is not None:
            badges.append((texts("badge.ages", min=offer.age_min, max=offer.age_max), False))
        elif offer.age_min is not None:
            badges.append((texts("badge.age_min", min=offer.age_min), False))
        if offer.booking_mode == BookingMode.REQUEST:
            badges.append((texts("badge.request"), False))
        return badges

    def _session_card(self, offer: Offer, session: Session, now: datetime) -> QFrame:
        texts = self.texts
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        when = label(texts.span(session.start, session.end), "emphasis")
        words.addWidget(when)
        words.addWidget(label(session.place, "muted"))
        if session.remaining == 0:
            places = label(texts("detail.places.full"), "full")
        else:
            count = (
                texts("detail.places.one")
                if session.remaining == 1
                else texts("detail.places.left", count=session.remaining)
            )
            places = label(count, "places")
        if session.places_as_of:
            places.setText(
                places.text() + "  " + texts("detail.places.as_of", when=texts.freshness(session.places_as_of, now))
            )
        words.addWidget(places)
        row.addLayout(words, 1)
        action = button(object_name="primary")
        action.setMinimumWidth(240)
        if session.has_started(now):
            action.setText(texts("detail.past"))
            action.setEnabled(False)
        elif session.remaining == 0 and offer.booking_mode == BookingMode.DIRECT:
            # Full: the person can still ask for a place that frees up.
            action.setText(texts("detail.waitlist"))
            action.setObjectName("")
            action.clicked.connect(lambda: self.book_requested.emit(offer.id, session.id))
        elif offer.campaign:  # a stay allocated by the centre from the wishes of its campaign
            action.setText(texts("detail.wish"))
            action.setEnabled(wishes_open(offer, session, now))
            if not action.isEnabled():
                action.setText(texts("detail.wishes_closed"))
            action.clicked.connect(lambda: self.wish_requested.emit(offer.id, session.id))
        else:
            action.setText(texts("detail.request" if offer.booking_mode == BookingMode.REQUEST else "detail.book"))
            action.clicked.connect(lambda: self.book_requested.emit(offer.id, session.id))
        action.setAccessibleDescription(texts.span(session.start, session.end))
        row.addWidget(action, 0, Qt.AlignmentFlag.AlignVCenter)
        return card
