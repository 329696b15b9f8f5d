"""Check-in at the door: scans, rules, checkpoints, offline scans and live numbers."""
