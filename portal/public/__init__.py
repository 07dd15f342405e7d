"""Public pages: home, health check, and tracking a request."""
