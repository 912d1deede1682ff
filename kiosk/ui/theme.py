"""Colours, sizes and the style sheet (DESIGN.md section 4, WCAG 2.2, EN 301 549).

Two palettes (standard and high contrast) and a text scale make a Theme; every font
size and colour a screen shows comes from here, so switching is one style sheet.
This module has no Qt import: the figures are plain data a test can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_TOUCH = 56  # comfortably above the 48 px floor
BODY_PX = 20
SMALLEST_TEXT_PX = 18
TILE_MIN_HEIGHT = 180
# The capital letter of DejaVu Sans is 0.73 em high.
CAP_HEIGHT_EM = 0.73
# EN 301 549 5.1.4: in the larger-text mode a capital letter subtends at least 0.7 degree.
MIN_CAP_ANGLE_DEGREES = 0.7
MIN_LARGER_SCALE = 1.25

# Text roles and their size in px at scale 1, and whether they are bold.
TEXT_ROLES = {
    "body": (BODY_PX, False),
    "small": (SMALLEST_TEXT_PX, False),
    "lead": (24, False),
    "heading": (26, True),
    "title": (34, True),
    "greeting": (40, True),
    "tileTitle": (38, True),
    "tileHint": (22, False),
    "emphasis": (24, True),
    "total": (30, True),
    "code": (44, True),
    "bigButton": (28, True),
}


@dataclass(frozen=True)
class Palette:
    background: str = "#f3f5f8"
    surface: str = "#ffffff"
    text: str = "#14202e"
    muted: str = "#3f4b59"  # 8.6:1 on white
    primary: str = "#0b4f8a"  # white text on it: 8.1:1
    on_primary: str = "#ffffff"
    primary_pressed: str = "#083a66"
    accent: str = "#a4231b"  # bons plans; white text on it: 7.0:1
    on_accent: str = "#ffffff"
    accent_pressed: str = "#7d1a14"
    border: str = "#6b7785"  # control borders: 4.6:1 on white
    card_border: str = "#6b7785"
    selected: str = "#dce9f7"
    ok: str = "#1d6b35"
    error: str = "#a4231b"
    disabled_background: str = "#e4e7eb"
    disabled_text: str = "#3f4b59"
    placeholder: str = "#5c6773"  # a hint, lighter than what is typed yet 5.8:1 on white
    overlay: str = "rgba(10, 20, 35, 170)"
    keyboard: str = "#14202e"
    staff: str = "#5a2d82"  # the assisted-mode banner, unlike any public colour; white text on it: 9.9:1
    on_staff: str = "#ffffff"


STANDARD = Palette()
HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#ffffff",
    muted="#ffffff",
    primary="#ffe000",
    on_primary="#000000",
    primary_pressed="#c8b000",
    accent="#00e5ff",
    on_accent="#000000",
    accent_pressed="#00a8bb",
    border="#ffffff",
    card_border="#ffffff",
    selected="#303030",
    ok="#7cff6b",
    error="#ff9a9a",
    disabled_background="#202020",
    disabled_text="#d0d0d0",
    placeholder="#b0b0b0",  # 9.7:1 on black
    overlay="rgba(0, 0, 0, 215)",
    keyboard="#000000",
    staff="#ff99ff",
    on_staff="#000000",
)


@dataclass(frozen=True)
class Theme:
    palette: Palette = STANDARD
    scale: float = 1.0

    def px(self, role_or_size: str | int) -> int:
        size = TEXT_ROLES[role_or_size][0] if isinstance(role_or_size, str) else role_or_size
        return round(size * self.scale)

    def tile_height(self) -> int:
        """A home tile's least height: room for two lines of title and two of hint."""
        lines = 2 * self.px("tileTitle") + 2 * self.px("tileHint")
        return max(TILE_MIN_HEIGHT, round(lines * 1.3) + 56)

    @property
    def high_contrast(self) -> bool:
        return self.palette == HIGH_CONTRAST


def larger_text_scale(viewing_distance_mm: float, pixel_pitch_mm: float) -> float:
    """The text scale at which every capital letter, the smallest text's included, subtends
    0.7 degree at the viewing distance (EN 301 549 asks it of all text in that mode)."""
    cap_mm = 2 * viewing_distance_mm * math.tan(math.radians(MIN_CAP_ANGLE_DEGREES / 2))
    smallest_px = math.ceil(cap_mm / pixel_pitch_mm / CAP_HEIGHT_EM)
    return max(smallest_px / SMALLEST_TEXT_PX, MIN_LARGER_SCALE)


def style_sheet(theme: Theme = Theme()) -> str:
    p, px = theme.palette, theme.px
    roles = "\n".join(
        f"    #{name} {{ font-size: {px(name)}px; {'font-weight: 700;' if bold else ''} }}"
        for name, (_, bold) in TEXT_ROLES.items()
    )
    return f"""
    QWidget {{ font-size: {px("body")}px; color: {p.text}; }}
    QMainWindow, #screen {{ background: {p.background}; }}
    #topBar, #accessBar {{ background: {p.surface}; border-color: {p.border}; border-style: solid; }}
    #topBar {{ border-width: 0 0 2px 0; }}
    #accessBar {{ border-width: 2px 0 0 0; }}
    #siteName {{ font-size: {px("heading")}px; font-weight: 600; }}
    #clock {{ font-size: {px(22)}px; font-weight: 600; }}
    #muted, #status {{ color: {p.muted}; font-size: {px("small")}px; }}
{roles}
    QPushButton {{
        min-height: {MIN_TOUCH}px; min-width: {MIN_TOUCH}px; padding: 6px 18px;
        border: 2px solid {p.border}; border-radius: 10px; background: {p.surface}; color: {p.text};
    }}
    QPushButton:pressed {{ background: {p.selected}; }}
    QPushButton:checked {{ background: {p.primary}; color: {p.on_primary}; border-color: {p.primary}; }}
    QLabel[onPrimary="true"] {{ color: {p.on_primary}; }}
    QPushButton:disabled {{ color: {p.disabled_text}; background: {p.disabled_background};
                            border-color: {p.border}; }}
    QPushButton#primary {{ background: {p.primary}; color: {p.on_primary}; border-color: {p.primary};
                           font-weight: 600; }}
    QPushButton#primary:pressed {{ background: {p.primary_pressed}; }}
    QPushButton#primary:disabled {{ background: {p.disabled_background}; color: {p.disabled_text};
                                    border-color: {p.border}; }}
    QPushButton[big="true"] {{ font-size: {px("bigButton")}px; min-height: {px(80)}px; }}
    QPushButton[tall="true"] {{ min-height: {px(80)}px; }}
    QPushButton#tile, QPushButton#tileAccent {{ min-height: {theme.tile_height()}px; }}
    QPushButton#tile[compact="true"], QPushButton#tileAccent[compact="true"] {{ min-height: {MIN_TOUCH}px; }}
    QPushButton#tile {{ background: {p.surface}; border: 2px solid {p.border}; border-radius: 18px; }}
    QPushButton#tileAccent {{ background: {p.accent}; border: 2px solid {p.accent}; border-radius: 18px; }}
    #tileAccent QLabel {{ color: {p.on_accent}; }}
    QPushButton#tile:pressed {{ background: {p.selected}; }}
    QPushButton#tileAccent:pressed {{ background: {p.accent_pressed}; }}
    QLineEdit, QPlainTextEdit {{
        min-height: {MIN_TOUCH}px; font-size: {px("lead")}px; padding: 4px 14px; color: {p.text};
        border: 2px solid {p.border}; border-radius: 10px; background: {p.surface};
        placeholder-text-color: {p.placeholder};
    }}
    QLineEdit:focus, QPlainTextEdit:focus {{ border: 3px solid {p.primary}; }}
    #newsBanner {{ background: {p.selected}; border-color: {p.primary}; border-style: solid; border-width: 0 0 3px 0; }}
    #card {{ background: {p.surface}; border: 2px solid {p.card_border}; border-radius: 14px; }}
    #badge {{ background: {p.selected}; color: {p.text}; border-radius: 8px; padding: 4px 10px;
              font-size: {px("small")}px; }}
    #badgeAccent {{ background: {p.accent}; color: {p.on_accent}; border-radius: 8px; padding: 4px 10px;
                    font-size: {px("small")}px; font-weight: 600; }}
    #full, #error {{ color: {p.error}; font-weight: 600; font-size: {px("lead")}px; }}
    #places {{ color: {p.ok}; font-weight: 600; }}
    #staffBanner {{ background: {p.staff}; }}
    #staffBanner QLabel {{ color: {p.on_staff}; font-size: {px("emphasis")}px; font-weight: 700; }}
    #overlay {{ background: {p.overlay}; }}
    #dialog {{ background: {p.surface}; border-radius: 20px; border: 3px solid {p.primary}; }}
    QListView {{ background: {p.surface}; border: 2px solid {p.card_border}; border-radius: 12px; }}
    QScrollArea {{ border: none; background: transparent; }}
    QScrollBar:vertical {{ width: {MIN_TOUCH}px; background: {p.disabled_background}; border-radius: 10px; }}
    QScrollBar::handle:vertical {{ background: {p.muted}; min-height: {MIN_TOUCH}px; border-radius: 10px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
    """
