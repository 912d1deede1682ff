"""Colours, sizes and the style sheet (DESIGN.md section 4: 48 px targets, 18 px text, 4.5:1 contrast)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_TOUCH = 56  # comfortably above the 48 px floor
BODY_PX = 20
SMALL_PX = 18
TITLE_PX = 34
HEADING_PX = 26


@dataclass(frozen=True)
class Palette:
    background: str = "#f3f5f8"
    surface: str = "#ffffff"
    text: str = "#14202e"
    muted: str = "#3f4b59"  # 8.6:1 on white
    primary: str = "#0b4f8a"  # white text on it: 8.1:1
    primary_pressed: str = "#083a66"
    accent: str = "#a4231b"  # bons plans; white text on it: 7.0:1
    border: str = "#6b7785"  # control borders: 4.6:1 on white
    selected: str = "#dce9f7"
    ok: str = "#1d6b35"
    warning: str = "#8a4b00"
    overlay: str = "rgba(10, 20, 35, 170)"


PALETTE = Palette()


def style_sheet(p: Palette = PALETTE) -> str:
    return f"""
    QWidget {{ font-size: {BODY_PX}px; color: {p.text}; }}
    QMainWindow, #screen {{ background: {p.background}; }}
    #topBar {{ background: {p.surface}; border-bottom: 2px solid {p.border}; }}
    #siteName {{ font-size: {HEADING_PX}px; font-weight: 600; }}
    #clock {{ font-size: {HEADING_PX}px; font-weight: 600; }}
    #muted, #status {{ color: {p.muted}; font-size: {SMALL_PX}px; }}
    #title {{ font-size: {TITLE_PX}px; font-weight: 700; }}
    #heading {{ font-size: {HEADING_PX}px; font-weight: 700; }}
    #greeting {{ font-size: 40px; font-weight: 700; }}
    QPushButton {{
        min-height: {MIN_TOUCH}px; min-width: {MIN_TOUCH}px; padding: 6px 18px;
        border: 2px solid {p.border}; border-radius: 10px; background: {p.surface};
    }}
    QPushButton:pressed {{ background: {p.selected}; }}
    QPushButton:checked {{ background: {p.primary}; color: white; border-color: {p.primary}; }}
    QPushButton:disabled {{ color: {p.muted}; background: #e4e7eb; border-color: #9aa3ad; }}
    QPushButton#primary {{ background: {p.primary}; color: white; border-color: {p.primary}; font-weight: 600; }}
    QPushButton#primary:pressed {{ background: {p.primary_pressed}; }}
    QPushButton#primary:disabled {{ background: #e4e7eb; color: {p.muted}; border-color: #9aa3ad; }}
    QPushButton#tile {{
        background: {p.surface}; border: 2px solid {p.border}; border-radius: 18px; min-height: 220px;
    }}
    QPushButton#tileAccent {{
        background: {p.accent}; color: white; border: 2px solid {p.accent}; border-radius: 18px;
        min-height: 220px;
    }}
    QPushButton#tile:pressed {{ background: {p.selected}; }}
    QPushButton#tileAccent:pressed {{ background: #7d1a14; }}
    QLineEdit {{
        min-height: {MIN_TOUCH}px; font-size: 24px; padding: 4px 14px;
        border: 2px solid {p.border}; border-radius: 10px; background: {p.surface};
    }}
    QLineEdit:focus {{ border: 3px solid {p.primary}; }}
    #card {{ background: {p.surface}; border: 2px solid #c5ccd4; border-radius: 14px; }}
    #badge {{ background: {p.selected}; color: {p.text}; border-radius: 8px; padding: 4px 10px; font-size: {SMALL_PX}px; }}
    #badgeAccent {{ background: {p.accent}; color: white; border-radius: 8px; padding: 4px 10px; font-size: {SMALL_PX}px; font-weight: 600; }}
    #full {{ color: {p.accent}; font-weight: 600; }}
    #places {{ color: {p.ok}; font-weight: 600; }}
    #overlay {{ background: {p.overlay}; }}
    #dialog {{ background: {p.surface}; border-radius: 20px; border: 3px solid {p.primary}; }}
    QListView {{ background: {p.surface}; border: 2px solid #c5ccd4; border-radius: 12px; }}
    QScrollArea {{ border: none; background: transparent; }}
    QScrollBar:vertical {{ width: 16px; background: #e4e7eb; }}
    QScrollBar::handle:vertical {{ background: {p.border}; min-height: 48px; border-radius: 6px; }}
    """
