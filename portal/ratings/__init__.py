"""Service ratings (好差评, SPEC §2): one rating per request, and the supervisor's follow-up."""
