"""Bank statements: read MT940 and CSV files into credits, match them to orders, and let an
organizer decide about the ones that need a human (``parsing``, ``csv_format``, ``mt940_format``,
``matching``, ``review``)."""
