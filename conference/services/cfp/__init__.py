"""The call for proposals: submission, speakers, photos, reviews and decisions."""
