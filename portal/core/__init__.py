"""The shared request workflow used by every request type (SPEC §2)."""
