"""Voucher PDFs in two layouts: an A4 page and an 80 mm thermal receipt.

Both carry the same facts (offer or service, dates, place, participants, price,
state), the short code a person reads aloud, and a QR code holding the signed
payload (kiosk.domain.voucher). The QR code is drawn on the 203 dpi grid of a
thermal printer: every module is a whole number of printer dots (at least 4)
and starts on a dot boundary, with its 4-module quiet zone, so it scans once
printed. The thermal page is 80 mm wide and prints within the central 72 mm
(576 dots); its height follows the content.

Rendering is pure computation (no file or printer I/O): call it from a worker
thread, never from the GUI thread.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import qrcode
import qrcode.constants
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.domain.help import HelpRequest
from kiosk.domain.voucher import Voucher, VoucherKind, VoucherState, decode_payload
from kiosk.i18n import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, Texts

LAYOUTS = ("a4", "thermal80")

PRINTER_DPI = 203
DOT = 72 / PRINTER_DPI  # one thermal printer dot, in PDF points
THERMAL_PAGE_WIDTH = 80 * mm
THERMAL_PRINT_DOTS = 576  # 72 mm printed on 80 mm paper
THERMAL_LEFT_DOTS = 32  # the printed band is centred: (80 mm - 72 mm) / 2 ≈ 32 dots
MIN_MODULE_DOTS = 4
QUIET_MODULES = 4
THERMAL_CODE_COLUMN_DOTS = 220  # room kept beside the QR code for the short code
A4_QR_TARGET = 50 * mm
_RENDER_LOCK = threading.Lock()

_ASSETS_FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
_FONT_DIRS = (
    _ASSETS_FONTS,
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)


# --- Fonts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    mono: str  # for the short code
    full_unicode: bool  # False for the fallbacks that lack a few typographic spaces


@lru_cache(maxsize=1)
def voucher_fonts() -> _Fonts:
    """Register the fonts once: DejaVu Sans (embedded, every French accent), else
    reportlab's bundled Vera, else the PDF base fonts (Helvetica, not embedded)."""
    directories = list(_FONT_DIRS)
    if os.environ.get("SLVIE_KIOSK_FONT_DIR"):
        directories.insert(0, Path(os.environ["SLVIE_KIOSK_FONT_DIR"]))
    regular = _find_font(directories, "DejaVuSans.ttf")
    bold = _find_font(directories, "DejaVuSans-Bold.ttf")
    mono = _find_font(directories, "DejaVuSansMono-Bold.ttf")
    if regular and bold:
        names = _register(("Voucher", regular), ("Voucher-Bold", bold))
        if names:
            mono_name = _register(("Voucher-Mono", mono)) if mono else None
            return _Fonts("Voucher", "Voucher-Bold", "Voucher-Mono" if mono_name else "Voucher-Bold", True)
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    if _register(("Voucher", bundled / "Vera.ttf"), ("Voucher-Bold", bundled / "VeraBd.ttf")):
        return _Fonts("Voucher", "Voucher-Bold", "Voucher-Bold", False)
    return _Fonts("Helvetica", "Helvetica-Bold", "Courier-Bold", False)


def _find_font(directories: list[Path], name: str) -> Path | None:
    for directory in directories:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _register(*fonts: tuple[str, Path]) -> bool:
    try:
        for name, path in fonts:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    except Exception:  # noqa: BLE001 (a damaged or unreadable font file, whatever it raises: use the next choice)
        return False
    return True


# --- Words (the catalogs' voucher.* texts) -------------------------------------------------------

_KIND_LABELS = {
    VoucherKind.BOOKING: "voucher.booking",
    VoucherKind.PICKUP: "voucher.pickup",
    VoucherKind.PARTICIPATION: "voucher.participation",
}
# State banner: a big word and a plain sentence (`<key>.word`, `<key>.sentence`), per (kind, state);
# (None, state) applies to both kinds.
_STATES: dict[tuple[VoucherKind | None, VoucherState], str] = {
    (VoucherKind.BOOKING, VoucherState.CONFIRMED): "voucher.state.booking.confirmed",
    (None, VoucherState.PROVISIONAL): "voucher.state.any.provisional",
    (None, VoucherState.WAITLISTED): "voucher.state.any.waitlisted",
    (VoucherKind.BOOKING, VoucherState.REQUEST): "voucher.state.booking.request",
    (VoucherKind.PICKUP, VoucherState.REQUEST): "voucher.state.pickup.request",
    (VoucherKind.PICKUP, VoucherState.CONFIRMED): "voucher.state.pickup.confirmed",
    (VoucherKind.PARTICIPATION, VoucherState.CONFIRMED): "voucher.state.participation.confirmed",
    (None, VoucherState.READY): "voucher.state.any.ready",
}
_SETTLED_STATES = (VoucherState.CONFIRMED, VoucherState.READY)  # drawn filled; pending ones outlined


def _state_key(voucher: Voucher) -> str:
    return _STATES.get((voucher.kind, voucher.state)) or _STATES[(None, voucher.state)]


# --- Public entry point -------------------------------------------------------------------------


def render_voucher_pdf(
    voucher: Voucher,
    payload: str,
    layout: str = "thermal80",
    language: str = "fr",
    *,
    site_name: str | None = None,
) -> bytes:
    """The voucher as a one-page PDF. `payload` is the signed text from encode_payload()."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown voucher layout {layout!r} (expected one of {LAYOUTS})")
    if language not in ("fr", "en"):
        raise ValueError(f"unknown language {language!r}")
    claims, _, _ = decode_payload(payload)
    if not claims.matches(voucher):
        raise ValueError("the payload does not describe this voucher")
    content = _Content.build(voucher, claims.key_id, language, site_name)
    qr = qr_modules(payload)
    with _RENDER_LOCK:  # reportlab keeps font state in module globals: one document at a time
        if layout == "thermal80":
            return _render_thermal(content, qr)
        return _render_a4(content, qr)


@dataclass(frozen=True)
class QrGeometry:
    version: int
    modules: int  # modules per side, without the quiet zone
    module_dots: int  # printer dots per module at 203 dpi

    @property
    def size_with_quiet_zone(self) -> float:
        return (self.modules + 2 * QUIET_MODULES) * self.module_dots * DOT


def qr_geometry(payload: str, layout: str) -> QrGeometry:
    """How the QR code of this payload is drawn in this layout (for tests and diagnostics)."""
    matrix = qr_modules(payload)
    modules = len(matrix)
    dots = _thermal_module_dots(modules) if layout == "thermal80" else _a4_module_dots(modules)
    return QrGeometry((modules - 17) // 4, modules, dots)


# --- Content shared by both layouts -------------------------------------------------------------


@dataclass(frozen=True)
class _Content:
    language: str
    kind: VoucherKind
    settled: bool
    heading: str
    site_name: str
    kind_label: str
    title: str
    state_word: str
    state_sentence: str
    state_sentence_other: str
    rows: tuple[tuple[str, tuple[str, ...], bool], ...]  # label, value lines, bold
    short_code: str
    code_label: str
    code_hint: str
    keep: str
    signed: str
    reference: str
    issued: str
    kiosk: str
    details_label: str

    @staticmethod
    def build(voucher: Voucher, key: str, language: str, site_name: str | None) -> _Content:
        texts = Texts(language)
        # The state's sentence is printed in the other language too, for whoever reads the voucher at the desk.
        other = Texts(SOURCE_LANGUAGE if language != SOURCE_LANGUAGE else FALLBACK_LANGUAGE)

        def day_and_time(moment: datetime) -> str:
            return f"{_capitalise(texts.day(moment))}, {texts.time(moment)}"

        rows: list[tuple[str, tuple[str, ...], bool]] = []
        if voucher.kind is VoucherKind.BOOKING:
            assert voucher.end is not None
            if voucher.start.date() == voucher.end.date():
                rows.append((texts("voucher.date"), (_capitalise(texts.day(voucher.start)),), True))
                rows.append(
                    (texts("voucher.time"), (f"{texts.time(voucher.start)} – {texts.time(voucher.end)}",), True)
                )
            else:
                rows.append((texts("voucher.from"), (day_and_time(voucher.start),), True))
                rows.append((texts("voucher.to"), (day_and_time(voucher.end),), True))
        elif voucher.kind is VoucherKind.PARTICIPATION:
            rows.append((texts("voucher.voted_at"), (day_and_time(voucher.start),), True))
        else:
            rows.append((texts("voucher.ready_from"), (day_and_time(voucher.start),), True))
            if voucher.end is not None:
                rows.append((texts("voucher.until"), (day_and_time(voucher.end),), True))
        if voucher.place.strip():
            rows.append((texts("voucher.place"), (voucher.place,), False))
        if voucher.participants:
            count = len(voucher.participants)
            people = texts("voucher.people", count=count)
            rows.append((texts("voucher.participants"), (people, *voucher.participants), False))
        if voucher.kind is VoucherKind.PARTICIPATION:
            price = ""
        elif voucher.total_cents is None:
            price = texts("voucher.on_quote")
        elif voucher.total_cents == 0:
            price = texts("voucher.free")
        elif voucher.paid_cents >= voucher.total_cents:
            price = texts("voucher.paid", price=texts.money(voucher.total_cents))
        elif voucher.paid_cents > 0:
            owed = texts.money(voucher.total_cents - voucher.paid_cents)
            price = texts(
                "voucher.part_paid",
                price=texts.money(voucher.total_cents),
                paid=texts.money(voucher.paid_cents),
                owed=owed,
            )
        else:
            price = texts("voucher.to_pay", price=texts.money(voucher.total_cents))
        if price:
            rows.append((texts("voucher.price"), (price,), True))
        if voucher.cancel_until is not None:
            rows.append(
                (
                    texts("voucher.cancel"),
                    (
                        texts("voucher.cancel.until", when=texts.moment(voucher.cancel_until)),
                        texts("voucher.cancel.help"),
                    ),
                    False,
                )
            )
        if voucher.bring:
            rows.append((texts("voucher.bring"), (voucher.bring,), False))

        state = _state_key(voucher)
        return _Content(
            language=language,
            kind=voucher.kind,
            settled=voucher.state in _SETTLED_STATES,
            heading=texts("voucher.heading"),
            site_name=site_name or texts("voucher.default_site"),
            kind_label=texts(_KIND_LABELS[voucher.kind]),
            title=voucher.title.strip(),
            state_word=texts(f"{state}.word"),
            state_sentence=texts(f"{state}.sentence"),
            state_sentence_other=other(f"{state}.sentence"),
            rows=tuple(rows),
            short_code=voucher.short_code,
            code_label=texts("voucher.code"),
            code_hint=texts("voucher.code.hint"),
            keep=f"{texts(_keep_key(voucher))} {texts('voucher.contact')}",
            signed=texts("voucher.signed"),
            reference=texts("voucher.reference", reference=voucher.reference),
            issued=texts("voucher.issued", when=texts.moment(voucher.issued_at)),
            kiosk=texts("voucher.kiosk", site=voucher.site_id, key=key),
            details_label=texts("voucher.details"),
        )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- QR code ------------------------------------------------------------------------------------


def qr_modules(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload, optimize=20)  # upper-case runs go in alphanumeric mode
    code.make(fit=True)
    return code.get_matrix()


def _thermal_module_dots(modules: int) -> int:
    total = modules + 2 * QUIET_MODULES
    for dots in (6, 5):
        if total * dots <= THERMAL_PRINT_DOTS - THERMAL_CODE_COLUMN_DOTS:
            return dots
    if total * MIN_MODULE_DOTS > THERMAL_PRINT_DOTS:
        raise ValueError("payload too long for a QR code on 72 mm")
    return MIN_MODULE_DOTS


def _a4_module_dots(modules: int) -> int:
    return max(MIN_MODULE_DOTS, min(8, int(A4_QR_TARGET / DOT) // (modules + 2 * QUIET_MODULES)))


def _draw_qr(canvas: Canvas, page_height: float, left_dots: int, top_dots: int, matrix, module_dots: int) -> None:
    """The symbol on the printer's dot grid, (left_dots, top_dots) being the outer corner of its quiet zone.

    Drawn in module units (one unit = one module, y pointing down) as rectangles
    that merge equal runs of dark modules across rows: every edge falls on a whole
    dot, and the PDF stays small and quick to write.
    """
    scale = module_dots * DOT
    origin_x = (left_dots + QUIET_MODULES * module_dots) * DOT
    origin_y = page_height - (top_dots + QUIET_MODULES * module_dots) * DOT
    rectangles: list[str] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, end column) -> first row
    for row, cells in enumerate([*matrix, []]):
        runs = set()
        col, width = 0, len(cells)
        while col < width:
            if cells[col]:
                start = col
                while col < width and cells[col]:
                    col += 1
                runs.add((start, col))
            col += 1
        for run in [r for r in open_runs if r not in runs]:
            first_row = open_runs.pop(run)
            rectangles.append(f"{run[0]} {first_row} {run[1] - run[0]} {row - first_row} re")
        for run in runs:
            open_runs.setdefault(run, row)
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.transform(scale, 0, 0, -scale, origin_x, origin_y)
    canvas.addLiteral("\n".join(rectangles) + "\nf")
    canvas.restoreState()


# --- Drawing helpers ----------------------------------------------------------------------------


class _Pen:
    """Draws from the top of the page down; with no canvas it only measures (to size the receipt)."""

    def __init__(self, canvas: Canvas | None, page_height: float, fonts: _Fonts):
        self.canvas = canvas
        self.height = page_height
        self.fonts = fonts
        self.y = 0.0  # distance from the top of the page, in points

    def clean(self, text: str) -> str:
        if self.fonts.full_unicode:
            return text
        return text.replace("\u202f", "\u00a0")

    def lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        return simpleSplit(self.clean(text), font, size, width) or [""]

    def text(
        self,
        x: float,
        text: str,
        font: str,
        size: float,
        *,
        width: float,
        leading: float | None = None,
        align: str = "left",
        color: Color = black,
        spacing: float = 0.0,
    ) -> None:
        """A paragraph wrapped to `width`, its first line's top at the current y; moves y below it."""
        leading = leading or size * 1.22
        ascent = pdfmetrics.getAscent(font, size)
        for line in self.lines(text, font, size, width):
            if self.canvas is not None:
                baseline = self.height - self.y - ascent - (leading - size) / 2
                line_width = pdfmetrics.stringWidth(line, font, size) + spacing * max(len(line) - 1, 0)
                left = x
                if align == "center":
                    left = x + (width - line_width) / 2
                elif align == "right":
                    left = x + width - line_width
                self.canvas.setFillColor(color)
                if spacing:
                    # Character spacing is part of the PDF text state and outlives the text
                    # object: keep it inside a saved graphics state.
                    self.canvas.saveState()
                    obj = self.canvas.beginText(left, baseline)
                    obj.setFont(font, size)
                    obj.setCharSpace(spacing)
                    obj.textOut(line)
                    self.canvas.drawText(obj)
                    self.canvas.restoreState()
                else:
                    self.canvas.setFont(font, size)
                    self.canvas.drawString(left, baseline, line)
            self.y += leading

    def paragraph_height(self, text: str, font: str, size: float, width: float, leading: float | None = None) -> float:
        return len(self.lines(text, font, size, width)) * (leading or size * 1.22)

    def rule(self, x: float, width: float, thickness: float = 0.8, color: Color = black) -> None:
        if self.canvas is not None:
            self.canvas.setStrokeColor(color)
            self.canvas.setLineWidth(thickness)
            y = self.height - self.y
            self.canvas.line(x, y, x + width, y)

    def box(self, x: float, top: float, width: float, height: float, *, fill=None, stroke=None, line=1.0, radius=0.0):
        if self.canvas is None:
            return
        c = self.canvas
        c.setLineWidth(line)
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
        bottom = self.height - top - height
        if radius:
            c.roundRect(x, bottom, width, height, radius, stroke=int(stroke is not None), fill=int(fill is not None))
        else:
            c.rect(x, bottom, width, height, stroke=int(stroke is not None), fill=int(fill is not None))


@dataclass(frozen=True)
class _BannerSizes:
    pad: float
    word: tuple[float, float]  # font size, leading
    sentence: tuple[float, float]
    other: tuple[float, float]  # the sentence in the other language
    gaps: tuple[float, float]  # after the word, after the sentence
    align: str
    word_spacing: float


_THERMAL_BANNER = _BannerSizes(2.2 * mm, (17, 19), (9.5, 11.5), (7.5, 9), (0.8 * mm, 0.8 * mm), "center", 0.0)
_A4_BANNER = _BannerSizes(4.5 * mm, (22, 25), (13, 16), (10, 12.5), (1 * mm, 0.5 * mm), "left", 1.0)


def _state_banner(
    pen: _Pen, content: _Content, x: float, width: float, sizes: _BannerSizes, draw_box: Callable[[float, float], Color]
) -> None:
    """The voucher's state in a box: its words are measured first, `draw_box(top, height)` draws
    the box under them and gives their colour. Leaves y just below the box."""
    f = pen.fonts
    inner = width - 2 * sizes.pad
    lines = [
        (content.state_word, f.bold, sizes.word, sizes.word_spacing),
        (content.state_sentence, f.bold, sizes.sentence, 0.0),
        (content.state_sentence_other, f.regular, sizes.other, 0.0),
    ]
    height = (
        2 * sizes.pad
        + sum(sizes.gaps)
        + sum(pen.paragraph_height(text, font, size, inner, leading) for text, font, (size, leading), _ in lines)
    )
    top = pen.y
    ink = draw_box(top, height)
    pen.y = top + sizes.pad
    for (text, font, (size, leading), spacing), gap in zip(lines, (*sizes.gaps, 0.0)):
        pen.text(
            x + sizes.pad, text, font, size, width=inner, leading=leading, align=sizes.align, color=ink, spacing=spacing
        )
        pen.y += gap
    pen.y = top + height


def _new_canvas(buffer: BytesIO, width: float, height: float, content: _Content) -> Canvas:
    fonts = voucher_fonts()
    canvas = Canvas(
        buffer, pagesize=(width, height), pageCompression=1, initialFontName=fonts.regular, initialFontSize=10
    )
    canvas.setTitle(f"{content.kind_label} — {content.title}")
    canvas.setAuthor(content.site_name)
    canvas.setSubject(content.short_code)
    canvas.setCreator("slvie-kiosk")
    return canvas


# --- Thermal receipt ----------------------------------------------------------------------------


def _render_thermal(content: _Content, qr: list[list[bool]]) -> bytes:
    fonts = voucher_fonts()
    measure = _Pen(None, 0.0, fonts)
    _draw_thermal(measure, content, qr)
    height = math.ceil(measure.y / DOT) * DOT  # a whole number of dots, so the grid holds from the top
    buffer = BytesIO()
    canvas = _new_canvas(buffer, THERMAL_PAGE_WIDTH, height, content)
    _draw_thermal(_Pen(canvas, height, fonts), content, qr)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_thermal(pen: _Pen, content: _Content, qr: list[list[bool]]) -> None:
    f = pen.fonts
    left = THERMAL_LEFT_DOTS * DOT
    width = THERMAL_PRINT_DOTS * DOT
    pen.y = 3 * mm

    pen.text(left, content.heading, f.bold, 9, width=width, align="center")
    pen.text(left, content.site_name, f.regular, 8.5, width=width, align="center")
    pen.y += 1.5 * mm
    pen.rule(left, width, 1.2)
    pen.y += 2 * mm
    pen.text(left, content.kind_label, f.bold, 9.5, width=width, align="center", spacing=1.2)
    pen.y += 1.5 * mm
    pen.text(left, content.title, f.bold, 15, width=width, leading=17.5)
    pen.y += 2.5 * mm

    # State: filled black when settled, a heavy frame when still pending.
    def thermal_box(top: float, height: float) -> Color:
        if content.settled:
            pen.box(left, top, width, height, fill=black)
            return white
        pen.box(left + 1.1, top + 1.1, width - 2.2, height - 2.2, stroke=black, line=2.2)
        return black

    _state_banner(pen, content, left, width, _THERMAL_BANNER, thermal_box)
    pen.y += 3 * mm

    label_width = 21 * mm
    value_left = left + label_width
    value_width = width - label_width
    for label, values, bold in content.rows:
        row_top = pen.y
        pen.text(left, label, f.regular, 8.5, width=label_width - 1 * mm, leading=12.5)
        pen.y = row_top
        for index, value in enumerate(values):
            strong = bold or (index == 0 and len(values) > 1)
            pen.text(value_left, value, f.bold if strong else f.regular, 10.5, width=value_width, leading=12.5)
        pen.y = max(pen.y, row_top + 12.5) + 1.4 * mm

    pen.y += 1 * mm
    pen.rule(left, width, 0.6)
    pen.y += 1 * mm

    # QR code on the dot grid, the short code beside it.
    module = _thermal_module_dots(len(qr))
    qr_dots = (len(qr) + 2 * QUIET_MODULES) * module
    top_dots = math.ceil(pen.y / DOT)
    if pen.canvas is not None:
        _draw_qr(pen.canvas, pen.height, THERMAL_LEFT_DOTS, top_dots, qr, module)
    code_left = (THERMAL_LEFT_DOTS + qr_dots) * DOT
    code_width = left + width - code_left
    first, second = content.short_code.split("-")
    code_size = 23.0
    code_spacing = 2.0
    block = 10 + 2 * code_size * 1.15 + 2 * 9.5
    pen.y = top_dots * DOT + (qr_dots * DOT - block) / 2
    pen.text(code_left, content.code_label, f.bold, 7.5, width=code_width, leading=10, align="center")
    pen.text(
        code_left,
        first,
        f.mono,
        code_size,
        width=code_width,
        leading=code_size * 1.15,
        align="center",
        spacing=code_spacing,
    )
    pen.text(
        code_left,
        second,
        f.mono,
        code_size,
        width=code_width,
        leading=code_size * 1.15,
        align="center",
        spacing=code_spacing,
    )
    pen.text(code_left, content.code_hint, f.regular, 7, width=code_width, leading=9.5, align="center")
    pen.y = (top_dots + qr_dots) * DOT

    pen.rule(left, width, 0.6)
    pen.y += 1.8 * mm
    pen.text(left, content.keep, f.bold, 8.5, width=width, leading=10.5)
    pen.y += 0.8 * mm
    for line in (content.reference, content.issued, content.kiosk):
        pen.text(left, line, f.regular, 7, width=width, leading=8.8)
    pen.y += 0.8 * mm
    pen.text(left, content.signed, f.regular, 7, width=width, leading=8.8)
    pen.y += 9 * mm  # room for the cutter


# --- A4 page ------------------------------------------------------------------------------------

_NAVY = HexColor("#14325c")
_GREEN = HexColor("#1b6b35")
_AMBER_FILL = HexColor("#fff3d1")
_AMBER_LINE = HexColor("#a35200")
_AMBER_TEXT = HexColor("#3b2300")
_GREY_TEXT = HexColor("#4a4f57")
_GREY_LINE = HexColor("#b8bec7")
_PALE = HexColor("#f2f4f7")


def _render_a4(content: _Content, qr: list[list[bool]]) -> bytes:
    fonts = voucher_fonts()
    page_width, page_height = A4
    buffer = BytesIO()
    canvas = _new_canvas(buffer, page_width, page_height, content)
    pen = _Pen(canvas, page_height, fonts)
    f = fonts
    margin = 18 * mm
    width = page_width - 2 * margin

    # Header band.
    band = 26 * mm
    pen.box(0, 0, page_width, band, fill=_NAVY)
    pen.y = 7.5 * mm
    pen.text(margin, content.heading, f.bold, 15, width=width * 0.6, color=white)
    pen.text(margin, content.site_name, f.regular, 10.5, width=width * 0.6, color=white)
    pen.y = 9.5 * mm
    pen.text(
        margin + width * 0.5, content.kind_label, f.bold, 12, width=width * 0.5, align="right", color=white, spacing=1.2
    )

    # Title.
    pen.y = band + 11 * mm
    pen.text(margin, content.title, f.bold, 24, width=width, leading=28, color=_NAVY)
    pen.y += 5 * mm

    # State banner: green when settled, amber while pending.
    def a4_box(top: float, height: float) -> Color:
        if content.settled:
            pen.box(margin, top, width, height, fill=_GREEN, radius=2.5 * mm)
            return white
        pen.box(
            margin + 1.5,
            top + 1.5,
            width - 3,
            height - 3,
            fill=_AMBER_FILL,
            stroke=_AMBER_LINE,
            line=3,
            radius=2.5 * mm,
        )
        return _AMBER_TEXT

    _state_banner(pen, content, margin, width, _A4_BANNER, a4_box)
    pen.y += 9 * mm

    # Details (left) and the QR code with the short code (right).
    column_top = pen.y
    card_width = 66 * mm
    details_width = width - card_width - 10 * mm
    for label, values, bold in content.rows:
        pen.text(margin, label.upper(), f.bold, 8.5, width=details_width, leading=11, color=_GREY_TEXT, spacing=0.6)
        for index, value in enumerate(values):
            strong = bold or (index == 0 and len(values) > 1)
            pen.text(margin, value, f.bold if strong else f.regular, 13.5, width=details_width, leading=17)
        pen.y += 4 * mm
    details_bottom = pen.y

    card_left = margin + width - card_width
    module = _a4_module_dots(len(qr))
    qr_dots = (len(qr) + 2 * QUIET_MODULES) * module
    card_height = qr_dots * DOT + 36 * mm
    pen.box(card_left, column_top - 4 * mm, card_width, card_height, stroke=_GREY_LINE, line=1, radius=3 * mm)
    left_dots = math.ceil((card_left + (card_width - qr_dots * DOT) / 2) / DOT)
    top_dots = math.ceil(column_top / DOT)
    _draw_qr(canvas, page_height, left_dots, top_dots, qr, module)
    pen.y = (top_dots + qr_dots) * DOT + 1 * mm
    pen.text(card_left, content.code_label, f.bold, 9, width=card_width, align="center", color=_GREY_TEXT, spacing=0.8)
    pen.y += 1 * mm
    pen.text(card_left, content.short_code, f.mono, 25, width=card_width, align="center", spacing=2.2, leading=29)
    pen.text(card_left, content.code_hint, f.regular, 9.5, width=card_width, align="center", color=_GREY_TEXT)
    card_bottom = column_top - 4 * mm + card_height

    # Good to know.
    pen.y = max(details_bottom, card_bottom) + 8 * mm
    body = [(content.keep, f.bold, 11), (content.signed, f.regular, 10)]
    small = [(content.reference, f.regular, 9), (content.issued, f.regular, 9), (content.kiosk, f.regular, 9)]
    pad = 5 * mm
    inner = width - 2 * pad
    box_height = pad + 14 + 2 * mm
    box_height += sum(pen.paragraph_height(text, font, size, inner, size * 1.35) for text, font, size in body + small)
    box_height += 2 * mm + pad
    top = pen.y
    pen.box(margin, top, width, box_height, fill=_PALE, radius=2.5 * mm)
    pen.y = top + pad
    pen.text(
        margin + pad, content.details_label.upper(), f.bold, 9, width=inner, leading=14, color=_GREY_TEXT, spacing=0.8
    )
    pen.y += 2 * mm
    for text, font, size in body:
        pen.text(margin + pad, text, font, size, width=inner, leading=size * 1.35)
    pen.y += 2 * mm
    for text, font, size in small:
        pen.text(margin + pad, text, font, size, width=inner, leading=size * 1.35, color=_GREY_TEXT)

    # Footer.
    pen.y = page_height - 14 * mm
    pen.rule(margin, width, 0.5, _GREY_LINE)
    pen.y += 2 * mm
    pen.text(
        margin,
        f"{content.heading} — {content.site_name}",
        f.regular,
        8.5,
        width=width,
        color=_GREY_TEXT,
        align="center",
    )

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _keep_key(voucher: Voucher) -> str:
    """What the paper proves: a place only once it is confirmed."""
    if voucher.kind is VoucherKind.PICKUP:
        return "voucher.keep.pickup"
    if voucher.kind is VoucherKind.PARTICIPATION:
        return "voucher.keep.participation"
    return "voucher.keep.booking" if voucher.state is VoucherState.CONFIRMED else "voucher.keep.request"


# --- Tickets with a code (finish later with a correspondent, an idea's receipt) ----------------------------


@dataclass(frozen=True)
class CodeTicket:
    """A ticket that carries a code to type at a kiosk or give at the desk: the code in large type, what it is
    for, what to do with it and a last line in bold (until when, or since when). Nothing about the person."""

    heading: str
    site_name: str
    code: str
    title: str
    what: str
    until: str


def render_help_ticket_pdf(
    request: HelpRequest,
    title: str | None,
    layout: str = "thermal80",
    language: str = "fr",
    *,
    site_name: str | None = None,
) -> bytes:
    """The ticket of a person who will finish later with a correspondent: the code in large type, what
    they had chosen, where to go and until when. It holds nothing about the person."""
    texts = Texts(language)
    ticket = CodeTicket(
        heading=texts("help.ticket.heading"),
        site_name=site_name or "",
        code=request.code,
        title=title or "",
        what=texts("help.ticket.what"),
        until=texts("help.ticket.until", day=texts.day(request.expires_at, weekday=False)),
    )
    return render_code_ticket_pdf(ticket, layout)


def render_code_ticket_pdf(ticket: CodeTicket, layout: str = "thermal80") -> bytes:
    """A code ticket as a one-page PDF, on the thermal roll (as long as it needs) or on A4."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown voucher layout {layout!r} (expected one of {LAYOUTS})")
    thermal = layout == "thermal80"
    width = THERMAL_PRINT_DOTS * DOT if thermal else A4[0] - 40 * mm
    left = THERMAL_LEFT_DOTS * DOT if thermal else 20 * mm
    scale = 1.0 if thermal else 1.6
    with _RENDER_LOCK:
        fonts = voucher_fonts()
        measure = _Pen(None, 0.0, fonts)
        _draw_code_ticket(measure, ticket, left, width, scale)
        page_width, page_height = (THERMAL_PAGE_WIDTH, math.ceil(measure.y / DOT) * DOT) if thermal else A4
        buffer = BytesIO()
        canvas = Canvas(
            buffer,
            pagesize=(page_width, page_height),
            pageCompression=1,
            initialFontName=fonts.regular,
            initialFontSize=10,
        )
        canvas.setTitle(f"{ticket.heading} — {ticket.code}")
        canvas.setAuthor(ticket.site_name)
        canvas.setCreator("slvie-kiosk")
        _draw_code_ticket(_Pen(canvas, page_height, fonts), ticket, left, width, scale)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()


def _draw_code_ticket(pen: _Pen, lines: CodeTicket, left: float, width: float, scale: float) -> None:
    f = pen.fonts
    pen.y = 3 * mm * scale
    pen.text(left, lines.site_name, f.regular, 8.5 * scale, width=width, align="center")
    pen.y += 1.5 * mm
    pen.rule(left, width, 1.2)
    pen.y += 2 * mm * scale
    pen.text(left, lines.heading, f.bold, 12 * scale, width=width, align="center")
    pen.y += 2 * mm * scale
    pen.text(left, lines.code, f.mono, 26 * scale, width=width, align="center", spacing=2.0)
    pen.y += 2 * mm * scale
    if lines.title:
        pen.text(left, lines.title, f.bold, 12 * scale, width=width, align="center")
        pen.y += 2 * mm * scale
    pen.rule(left, width, 0.6)
    pen.y += 2 * mm * scale
    pen.text(left, lines.what, f.regular, 9.5 * scale, width=width, leading=12 * scale)
    pen.y += 1.5 * mm * scale
    pen.text(left, lines.until, f.bold, 9.5 * scale, width=width, leading=12 * scale)
    pen.y += 9 * mm  # room for the cutter
