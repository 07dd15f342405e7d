"""The staff back office: queues and detail pages for every request type, and admin."""
