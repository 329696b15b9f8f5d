"""Badges: what they show, their QR codes, fonts and the PDF engine."""
