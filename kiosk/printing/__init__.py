"""Printed vouchers: their PDF layouts, reading their QR code back, and sending them to a printer."""
