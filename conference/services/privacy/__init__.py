"""Personal data: retention and anonymisation, the attendee's rights, privacy settings."""
