"""A person in front of the real kiosk window: eyes (screenshots read by OCR) and fingers
(X input events), under a virtual X server.

Nothing here knows the kiosk's code: buttons are found by the words a person reads on
them (tesseract), taps and typing are real X events (xdotool), and the on-screen
keyboard's keys are found where the keyboard draws them.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageGrab, ImageOps

# Where each key of Qt Virtual Keyboard's digits layout sits: (column, row).
DIGIT_KEYS = {
    "7": (0, 0),
    "8": (1, 0),
    "9": (2, 0),
    "4": (0, 1),
    "5": (1, 1),
    "6": (2, 1),
    "1": (0, 2),
    "2": (1, 2),
    "3": (2, 2),
    "0": (1, 3),
}
ENTER_KEY = (3, 3)


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.left + self.width // 2, self.top + self.height // 2


def _folded(text: str) -> str:
    """Words compared as a reader would: case, accents and apostrophe styles aside."""
    text = text.replace("’", "'").casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def read_words(image: Image.Image, sparse: bool = False) -> list[Word]:
    """The words tesseract reads in `image`, with their boxes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    command = ["tesseract", "stdin", "stdout", "-l", "fra+eng", "--psm", "11" if sparse else "3", "tsv"]
    result = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=60, check=True)
    rows = csv.DictReader(io.StringIO(result.stdout.decode()), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        Word(row["text"].strip(), int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        for row in rows
        if row.get("text", "").strip() and float(row["conf"]) > 30
    ]


class Person:
    def __init__(self, display: str, shots: Path):
        self.display = display
        self.shots = shots
        self.taps = 0
        self.latencies_ms: list[float] = []
        self._shot_number = 0

    # --- eyes ---------------------------------------------------------------------------
    def look(self) -> Image.Image:
        return ImageGrab.grab(xdisplay=self.display).convert("RGB")

    def keep(self, name: str) -> Path:
        """A screenshot kept with the test's files, to look at afterwards."""
        self._shot_number += 1
        path = self.shots / f"{self._shot_number:02d}-{name}.png"
        self.look().save(path)
        return path

    def find(self, phrase: str, image: Image.Image | None = None) -> Word | None:
        """The phrase where it is written on screen (its words in a row), or None."""
        wanted = [_folded(w) for w in phrase.split()]
        image = image or self.look()
        found = self._find_in(wanted, phrase, read_words(image))
        # Light words on a dark button read better inverted.
        return found or self._find_in(wanted, phrase, read_words(ImageOps.invert(image)))

    @staticmethod
    def _find_in(wanted: list[str], phrase: str, words: list[Word]) -> Word | None:
        for start in range(len(words)):
            run = words[start : start + len(wanted)]
            if len(run) == len(wanted) and all(
                _folded(w.text).strip(".,:!?") == want.strip(".,:!?") for w, want in zip(run, wanted, strict=True)
            ):
                left, top = run[0].left, min(w.top for w in run)
                right = max(w.left + w.width for w in run)
                bottom = max(w.top + w.height for w in run)
                return Word(phrase, left, top, right - left, bottom - top)
        return None

    def wait_for(self, phrase: str, timeout: float = 20) -> Word:
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(phrase)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                path = self.keep("missing")
                raise AssertionError(f"«{phrase}» never showed on screen (last screen: {path})")
            time.sleep(0.3)

    def sees(self, phrase: str) -> bool:
        return self.find(phrase) is not None

    # --- fingers ------------------------------------------------------------------------
    def _xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], check=True, timeout=10, env={**os.environ, "DISPLAY": self.display})

    def tap_at(self, x: int, y: int, counted: bool = True) -> float:
        """Press and release at (x, y); returns how long the screen took to answer (ms): from
        the moment the X server has the events to the end of the first screenshot that shows
        a change (an upper bound: one screenshot takes about 40 ms here)."""
        before = self.look()
        self._xdotool("mousemove", str(x), str(y), "click", "1")
        latency = self._until_changed(before, time.monotonic())
        if counted:
            self.taps += 1
        self.latencies_ms.append(latency)
        return latency

    def tap(self, phrase: str, counted: bool = True) -> float:
        word = self.wait_for(phrase)
        return self.tap_at(*word.centre, counted=counted)

    def scan(self, code: str) -> None:
        """A card scanner: types the code and Enter, as a keyboard does."""
        self._xdotool("type", "--delay", "8", code)
        self._xdotool("key", "Return")

    def type_on_screen_keyboard(self, digits: str, enter: bool = True) -> None:
        """Digits typed on the on-screen keyboard's keys, then its Enter key."""
        keys = self._digit_keys()
        for digit in digits:
            self.tap_at(*keys[digit], counted=False)
        if enter:
            self.tap_at(*keys["enter"], counted=False)

    def _digit_keys(self) -> dict[str, tuple[int, int]]:
        """Where the keyboard draws each digit: the digits it can read fix the grid's origin and step."""
        screen = self.look()
        top = screen.height * 55 // 100  # the keyboard takes the lower part of the window
        keyboard = ImageOps.invert(screen.crop((0, top, screen.width, screen.height)))
        seen = {w.text: w.centre for w in read_words(keyboard, sparse=True) if w.text in DIGIT_KEYS}
        columns = {DIGIT_KEYS[d][0]: x for d, (x, _) in seen.items()}
        rows = {DIGIT_KEYS[d][1]: y for d, (_, y) in seen.items()}
        assert len(columns) >= 2 and len(rows) >= 2, f"the on-screen keyboard is not on screen (read {seen})"
        (c0, x0), (c1, x1) = sorted(columns.items())[:2]
        (r0, y0), (r1, y1) = sorted(rows.items())[:2]
        step_x, step_y = (x1 - x0) / (c1 - c0), (y1 - y0) / (r1 - r0)

        def at(column: int, row: int) -> tuple[int, int]:
            return round(x0 + (column - c0) * step_x), round(top + y0 + (row - r0) * step_y)

        keys = {digit: at(*place) for digit, place in DIGIT_KEYS.items()}
        keys["enter"] = at(*ENTER_KEY)
        return keys

    def _until_changed(self, before: Image.Image, started: float, timeout: float = 5) -> float:
        while time.monotonic() - started < timeout:
            if ImageChops.difference(before, self.look()).getbbox() is not None:
                return (time.monotonic() - started) * 1000
        return timeout * 1000
