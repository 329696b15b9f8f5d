"""Funder reports: attendance sheets and participant indicators, from check-in records."""
