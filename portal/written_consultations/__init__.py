"""Written questions answered online by the day's duty lawyer, with a public archive (SPEC §14)."""
