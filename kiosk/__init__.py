"""SLVie kiosk: an offline-capable touchscreen kiosk for SLVie concierge points."""

__version__ = "0.1.0"
