"""Offer sheets (A4 or the 80 mm receipt) and the site's programme (A4) as PDFs, laid out by reportlab's
platypus, which wraps the text and flows a long programme onto a second page.

The 80 mm sheet is one page as long as its content, printed within the central 72 mm, as the
vouchers are. Its QR code (the offer's code) is drawn with modules of whole thermal dots. Pure
computation: call it from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate

from kiosk.domain.catalog import BookingMode, Level, Offer, Session
from kiosk.domain.paper import OfferSheet, Programme, ProgrammeLine
from kiosk.domain.payment import Takings
from kiosk.domain.stay_wishes import WishesRecap
from kiosk.i18n import Texts
from kiosk.printing.voucher_pdf import (
    DOT,
    LAYOUTS,
    QUIET_MODULES,
    THERMAL_PAGE_WIDTH,
    THERMAL_PRINT_DOTS,
    qr_modules,
    voucher_fonts,
)

_NAVY = HexColor("#14325c")
_GREY = HexColor("#4a4f57")
_LINE = HexColor("#b8bec7")
_PALE = HexColor("#f2f4f7")
_THERMAL_MARGIN = (THERMAL_PAGE_WIDTH - THERMAL_PRINT_DOTS * DOT) / 2
_A4_MARGIN = 16 * mm
_FRAME_PADDING = 6  # points, platypus's default around a frame
A4_QR_MODULE_DOTS = 8
THERMAL_QR_MODULE_DOTS = 6


@dataclass(frozen=True)
class _Styles:
    small: ParagraphStyle
    body: ParagraphStyle
    strong: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    code: ParagraphStyle


def _styles(thermal: bool) -> _Styles:
    fonts = voucher_fonts()
    scale = 0.78 if thermal else 1.0

    def style(name: str, font: str, size: float, color: Color = black, space_before: float = 0) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size * scale,
            leading=size * scale * 1.25,
            textColor=color,
            spaceBefore=space_before * scale,
        )

    return _Styles(
        small=style("small", fonts.regular, 9.5, _GREY),
        body=style("body", fonts.regular, 11.5),
        strong=style("strong", fonts.bold, 11.5),
        heading=style("heading", fonts.bold, 14, _NAVY, space_before=8),
        title=style("title", fonts.bold, 24, _NAVY),
        code=style("code", fonts.mono, 13),
    )


class _QrCode(Flowable):
    """A QR code whose modules are whole printer dots (with the 4-module quiet zone), so it scans once printed."""

    def __init__(self, text: str, module_dots: int):
        super().__init__()
        self.matrix = qr_modules(text)
        self.module = module_dots * DOT
        self.side = (len(self.matrix) + 2 * QUIET_MODULES) * self.module

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(black)
        for row, cells in enumerate(self.matrix):
            for column, dark in enumerate(cells):
                if dark:
                    x = (column + QUIET_MODULES) * self.module
                    y = self.side - (row + 1 + QUIET_MODULES) * self.module
                    canvas.rect(x, y, self.module, self.module, stroke=0, fill=1)


# --- Offer sheet ----------------------------------------------------------------------------------


def render_offer_sheet(sheet: OfferSheet, layout: str, language: str) -> bytes:
    """The offer to take home: one A4 page, or an 80 mm receipt as long as its content."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (expected one of {LAYOUTS})")
    texts = Texts(language)
    thermal = layout == "thermal80"
    styles = _styles(thermal)
    story = _offer_story(sheet, texts, styles, thermal)
    title = f"{texts('paper.offer.kind')} — {sheet.offer.title}"
    return _build_in_layout(story, thermal, title, sheet.site_name)


def _build_in_layout(story: list[Flowable], thermal: bool, title: str, author: str) -> bytes:
    """One A4 page, or an 80 mm receipt as long as its content."""
    if not thermal:
        return _build(story, A4, _A4_MARGIN, title, author)
    width = THERMAL_PRINT_DOTS * DOT - 2 * _FRAME_PADDING
    height = sum(item.wrap(width, 10_000)[1] + item.getSpaceBefore() + item.getSpaceAfter() for item in story)
    # A whole number of dots, with the frame's padding and room for the cutter: one page, never two.
    page_height = (int((height + 2 * _FRAME_PADDING + 14 * mm) / DOT) + 1) * DOT
    return _build(story, (THERMAL_PAGE_WIDTH, page_height), _THERMAL_MARGIN, title, author, top=3 * mm)


# --- Holiday-stay wishes ------------------------------------------------------------------------


def render_wishes_recap(recap: WishesRecap, layout: str, language: str) -> bytes:
    """What a household asked for, wish by wish, with the code to give at the desk: the paper the person keeps."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (expected one of {LAYOUTS})")
    texts = Texts(language)
    styles = _styles(layout == "thermal80")
    story: list[Flowable] = [
        Paragraph(_escape(f"{texts('paper.heading')} — {recap.site_name}"), styles.small),
        Spacer(0, 2 * mm),
        Paragraph(_escape(texts("wishes.paper.title")), styles.title),
        Spacer(0, 1.5 * mm),
        Paragraph(_escape(texts("wishes.paper.for", name=recap.household_name)), styles.body),
        Paragraph(_escape(texts("wishes.paper.sent", when=texts.moment(recap.request.created_at))), styles.body),
    ]
    for line in recap.lines:
        story.append(Paragraph(_escape(texts("wishes.rank", rank=line.rank)), styles.heading))
        story.append(
            Paragraph(_escape(f"{line.title} — {line.location}" if line.location else line.title), styles.strong)
        )
        if line.start is not None and line.end is not None:
            story.append(Paragraph(_escape(texts.span(line.start, line.end)), styles.body))
        story.append(Paragraph(_escape(texts("wishes.who", names=", ".join(line.names))), styles.body))
    story.append(Paragraph(_escape(texts("wishes.paper.next")), styles.heading))
    if recap.wishes_until is not None:
        story.append(
            Paragraph(_escape(texts("wishes.answer_after", when=texts.day(recap.wishes_until.date()))), styles.body)
        )
    story.append(Paragraph(_escape(texts("wishes.rule")), styles.body))
    story += [
        Spacer(0, 2 * mm),
        Paragraph(_escape(texts("wishes.paper.code")), styles.small),
        Paragraph(_escape(recap.code), styles.code),
        Spacer(0, 3 * mm),
        Paragraph(_escape(texts("wishes.paper.printed", when=texts.moment(recap.printed_at))), styles.small),
    ]
    return _build_in_layout(story, layout == "thermal80", texts("wishes.paper.title"), recap.site_name)


def _offer_story(sheet: OfferSheet, texts: Texts, styles: _Styles, thermal: bool) -> list[Flowable]:
    offer = sheet.offer
    story: list[Flowable] = [
        Paragraph(_escape(f"{texts('paper.heading')} — {sheet.site_name}"), styles.small),
        Spacer(0, 2 * mm),
        Paragraph(_escape(offer.title), styles.title),
        Spacer(0, 1.5 * mm),
        Paragraph(_escape(" · ".join(_facts(offer, texts))), styles.body),
    ]
    story.append(Paragraph(_escape(texts("paper.sessions")), styles.heading))
    if not sheet.sessions:
        story.append(Paragraph(_escape(texts("paper.sessions.none")), styles.body))
    for session in sheet.sessions:
        story.append(Paragraph(_escape(texts.span(session.start, session.end)), styles.strong))
        story.append(Paragraph(_escape(f"{session.place} — {_places(session, texts, sheet)}"), styles.body))
    if offer.booking_mode is BookingMode.REQUEST:
        story.append(Paragraph(_escape(texts("detail.request_rule")), styles.small))
    story.append(Paragraph(_escape(texts("paper.price")), styles.heading))
    story += _prices(sheet, texts, styles, thermal)
    paragraphs = [p.strip() for p in offer.description.split("\n\n") if p.strip()]
    if paragraphs:
        story.append(Paragraph(_escape(texts("paper.about")), styles.heading))
        story += [Paragraph(_escape(p), styles.body) for p in paragraphs]
    story.append(Paragraph(_escape(texts("paper.where")), styles.heading))
    where = Paragraph(_escape(texts("paper.where.text", site=sheet.site_name, slvie=sheet.slvie)), styles.body)
    qr = _QrCode(sheet.code, THERMAL_QR_MODULE_DOTS if thermal else A4_QR_MODULE_DOTS)
    code = [Paragraph(_escape(texts("paper.code")), styles.small), Paragraph(_escape(offer.id), styles.code)]
    if thermal:
        story += [
            where,
            Spacer(0, 2 * mm),
            Table([[qr, code]], colWidths=[qr.side + 2 * mm, None], style=_plain_table()),
        ]
    else:
        story.append(
            Table([[[where, Spacer(0, 2 * mm), *code], qr]], colWidths=[None, qr.side + 4 * mm], style=_plain_table())
        )
    story.append(Spacer(0, 3 * mm))
    story.append(Paragraph(_escape(texts("paper.printed", when=texts.moment(sheet.printed_at))), styles.small))
    return story


def _facts(offer: Offer, texts: Texts) -> list[str]:
    level = {Level.CCAS: texts("level.ccas"), Level.CMCAS: texts("level.cmcas"), Level.SLVIE: texts("level.slvie")}
    facts = [level[offer.level], texts("detail.organiser", organiser=offer.organiser), offer.location]
    if offer.bon_plan:
        facts.append(
            texts("badge.bon_plan")
            + (f" {texts('list.discount', percent=offer.discount_percent)}" if offer.discount_percent else "")
        )
    if offer.age_min is not None and offer.age_max is not None:
        facts.append(texts("badge.ages", min=offer.age_min, max=offer.age_max))
    elif offer.age_min is not None:
        facts.append(texts("badge.age_min", min=offer.age_min))
    return facts


def _place_count(session: Session, texts: Texts) -> str:
    if session.remaining == 0:
        return texts("detail.places.full")
    if session.remaining == 1:
        return texts("detail.places.one")
    return texts("detail.places.left", count=session.remaining)


def _places(session: Session, texts: Texts, sheet: OfferSheet) -> str:
    count = _place_count(session, texts)
    known = session.places_as_of or sheet.printed_at
    return f"{count} {texts('detail.places.as_of', when=texts.freshness(known, sheet.printed_at))}"


def _prices(sheet: OfferSheet, texts: Texts, styles: _Styles, thermal: bool) -> list[Flowable]:
    price = sheet.household_price
    if price is not None:
        amount = texts("detail.free") if price.unit_cents == 0 else texts.money(price.unit_cents)
        return [Paragraph(_escape(texts("paper.price.household", price=amount, tier=price.tier)), styles.strong)]
    columns = 4 if thermal else 7
    cells = [
        f"{texts('detail.tier', tier=index + 1)}\n{texts('detail.free') if cents == 0 else texts.money(cents)}"
        for index, cents in enumerate(sheet.offer.prices)
    ]
    rows = [
        [Paragraph(_escape(cell).replace("\n", "<br/>"), styles.body) for cell in cells[start : start + columns]]
        for start in range(0, len(cells), columns)
    ]
    table = Table(rows, hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, _LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph(_escape(texts("detail.prices.explain", top=len(sheet.offer.prices))), styles.small), table]


# --- Programme ------------------------------------------------------------------------------------


def render_programme(programme: Programme, language: str) -> bytes:
    """The noticeboard programme: A4, week by week; a long one flows onto a second page."""
    texts = Texts(language)
    styles = _styles(False)
    story: list[Flowable] = [
        Paragraph(_escape(f"{texts('paper.heading')} — {programme.slvie}"), styles.small),
        Paragraph(_escape(texts("paper.programme.title")), styles.title),
        Paragraph(_escape(programme.site_name), styles.body),
    ]
    for week in programme.weeks:
        start, end = texts.day(_midnight(week.monday), year=False), texts.day(_midnight(week.sunday))
        story.append(Paragraph(_escape(texts("paper.programme.week", start=start, end=end)), styles.heading))
        if not week.lines:
            story.append(Paragraph(_escape(texts("paper.programme.empty")), styles.body))
            continue
        rows = [_programme_row(line, texts, styles) for line in week.lines]
        table = Table(rows, colWidths=[40 * mm, None, 34 * mm], repeatRows=0, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, _LINE),
                    ("ROWBACKGROUNDS", (0, 0), (-1, -1), [white, _PALE]),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(0, 4 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph(_escape(texts("paper.programme.book", site=programme.site_name)), styles.strong),
                Paragraph(_escape(texts("paper.printed", when=texts.moment(programme.printed_at))), styles.small),
            ]
        )
    )
    return _build(story, A4, _A4_MARGIN, texts("paper.programme.title"), programme.site_name)


def _programme_row(line: ProgrammeLine, texts: Texts, styles: _Styles) -> list[Paragraph]:
    offer, session = line.offer, line.session
    if session.start.date() == session.end.date():
        when = f"{texts.day(session.start, year=False)}\n{texts.time(session.start)} – {texts.time(session.end)}"
    else:
        when = f"{texts.day(session.start, year=False)}\n→ {texts.day(session.end, year=False)}"
    what = f"<font name='{styles.strong.fontName}'>{_escape(offer.title)}</font><br/>{_escape(session.place)}"
    if offer.bon_plan:
        deal = texts("badge.bon_plan")
        if offer.discount_percent:
            deal += f" {texts('list.discount', percent=offer.discount_percent)}"
        what = f"{_escape(deal)} — {what}"
    price = (
        texts("detail.free")
        if offer.price_from == 0
        else texts("paper.price.from", price=texts.money(offer.price_from))
    )
    return [
        Paragraph(_escape(when).replace("\n", "<br/>"), styles.body),
        Paragraph(what, styles.body),
        Paragraph(f"{_escape(price)}<br/>{_escape(_place_count(session, texts))}", styles.body),
    ]


# --- The day's takings ---------------------------------------------------------------------------


def render_takings(takings: Takings, site_name: str, language: str) -> bytes:
    """The day's takings by means of payment, each payment listed, and what the audit log says (A4)."""
    texts = Texts(language)
    styles = _styles(False)
    day = _midnight(takings.day)
    story: list[Flowable] = [
        Paragraph(_escape(f"{texts('paper.heading')} — {site_name}"), styles.small),
        Paragraph(_escape(texts("takings.title")), styles.title),
        Paragraph(_escape(texts("takings.day", day=texts.day(day))), styles.heading),
    ]
    for line in takings.by_means:
        story.append(
            Paragraph(
                _escape(
                    texts(
                        "takings.line",
                        means=texts(f"pay.means.{line.means.value}"),
                        count=line.count,
                        amount=texts.money(line.cents),
                    )
                ),
                styles.body,
            )
        )
    if not takings.payments:
        story.append(Paragraph(_escape(texts("takings.none")), styles.body))
    story.append(Paragraph(_escape(texts("takings.total", amount=texts.money(takings.total_cents))), styles.heading))
    audit = takings.audit
    check = (
        texts("takings.audit.ok", matched=audit.matched, centre=audit.with_centre, elsewhere=audit.elsewhere)
        if audit.holds
        else texts("takings.audit.problem", count=len(audit.problems))
    )
    story.append(Paragraph(_escape(check), styles.strong))
    if takings.payments:
        story.append(Paragraph(_escape(texts("takings.payments")), styles.heading))
        rows = [
            [
                Paragraph(_escape(texts.time(p.recorded_at)), styles.body),
                Paragraph(_escape(texts(f"pay.means.{p.means.value}")), styles.body),
                Paragraph(
                    _escape(texts.money(p.amount_cents) if p.amount_cents > 0 else f"−{texts.money(-p.amount_cents)}"),
                    styles.body,
                ),
                Paragraph(_escape(p.reference), styles.body),
                Paragraph(_escape(p.payment_id[:8]), styles.small),
            ]
            for p in takings.payments
        ]
        table = Table(rows, colWidths=[22 * mm, 52 * mm, 28 * mm, None, 22 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, _LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    return _build(story, A4, _A4_MARGIN, texts("takings.title"), site_name)


# --- helpers ------------------------------------------------------------------------------------


def _build(
    story: list[Flowable],
    pagesize: tuple[float, float],
    margin: float,
    title: str,
    author: str,
    top: float | None = None,
) -> bytes:
    buffer = BytesIO()
    document: BaseDocTemplate = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top if top is not None else margin,
        bottomMargin=margin if top is None else 0,
        title=title,
        author=author,
        creator="slvie-kiosk",
    )
    document.build(story)
    return buffer.getvalue()


def _plain_table() -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
