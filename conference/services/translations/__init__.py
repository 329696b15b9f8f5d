"""An event's texts for translators: every translated column of the event's rows, exported
to a spreadsheet in one language and imported back (``texts`` finds them, ``spreadsheet``
writes and reads the file, ``importing`` checks and applies it)."""
