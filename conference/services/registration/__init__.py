"""Registration: capacity, waiting list, attendee input, settings, lists, imports, exports."""
