"""Read a voucher's signed payload back from what a person hands over: a PDF, an image, or text.

PDF pages are rasterised with pypdfium2 and QR codes decoded with zxing-cpp; both
install as self-contained wheels, so checking a voucher needs no system tool.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.voucher import PAYLOAD_VERSION
from kiosk.errors import KioskError

PDF_SCALES = (300 / 72, 203 / 72, 600 / 72)  # tried in turn until a QR code is found
MAX_PDF_PAGES = 20
MAX_TEXT_BYTES = 64 * 1024


class VoucherReadError(KioskError):
    """A file given as a voucher cannot be read, or holds no voucher QR code."""


def read_payload(source: str | Path) -> str:
    """The payload from a PDF, an image (PNG, JPEG…), a text file holding it, or the payload itself.

    A string that names no existing file and does not look like a file name is
    taken as the payload itself (and judged by verify_payload).
    """
    text = str(source)
    path = Path(text)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a payload string too long or odd to be a path
        is_file = False
    if not is_file:
        if not _looks_like_path(text):
            return text.strip()
        raise VoucherReadError("error.qr_reader.file_does_exist_voucher", text=text)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise VoucherReadError("error.qr_reader.file_read", path=path, reason=error.strerror or error) from None
    if data.startswith(b"%PDF"):
        return read_payload_from_pdf(data, name=str(path))
    if _looks_like_image(data):
        return read_payload_from_image(data, name=str(path))
    if len(data) <= MAX_TEXT_BYTES:
        try:
            content = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            pass
        else:
            # A note around the code is fine: take the line that holds it.
            for line in content.splitlines():
                if line.strip().startswith(PAYLOAD_VERSION[:3]):
                    return line.strip()
            return content
    raise VoucherReadError("error.qr_reader.file_neither_pdf_image", path=path)


def read_payload_from_pdf(data: bytes, name: str = "PDF") -> str:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise VoucherReadError("error.qr_reader.pdf_read", name=name, error=error) from None
    try:
        for scale in PDF_SCALES:
            for index in range(min(len(document), MAX_PDF_PAGES)):
                page = document[index]
                try:
                    image = page.render(scale=scale, grayscale=True).to_pil()
                finally:
                    page.close()
                payload = _decode(image)
                if payload is not None:
                    return payload
    finally:
        document.close()
    raise _no_qr(name)


def read_payload_from_image(data: bytes, name: str = "image") -> str:
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as image:
            image.load()
            payload = _decode(image.convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise VoucherReadError("error.qr_reader.image_read", name=name, error=error) from None
    if payload is None:
        raise _no_qr(name)
    return payload


def _decode(image) -> str | None:
    """The first QR code that looks like a voucher payload, else the first QR code, else None."""
    import zxingcpp

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    texts = [result.text for result in results if result.valid]
    for text in texts:
        if text.startswith(PAYLOAD_VERSION[:3]):
            return text
    return texts[0] if texts else None


def _looks_like_path(text: str) -> bool:
    """A payload never holds a slash or ends like a file name; a mistyped file name usually does."""
    if text.strip().startswith(PAYLOAD_VERSION[:3]):
        return False
    return "/" in text or "\\" in text or Path(text).suffix.lower() in {".pdf", ".png", ".jpg", ".jpeg", ".txt"}


def _looks_like_image(data: bytes) -> bool:
    signatures = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
    return data.startswith(signatures) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _no_qr(name: str) -> VoucherReadError:
    return VoucherReadError("error.qr_reader.voucher_qr_code_was", name=name)
