"""Paying for registrations: orders, transfer references, payment methods and their QR codes."""
