"""Privacy: policy versions, the public participant list, the export log (who saw what),
retention and the attendee's rights."""
