"""Delivering messages: the outbox sender, its SMTP and SMS gateway backends, delivery receipts."""
