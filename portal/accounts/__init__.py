"""Accounts: residents, enterprises, staff and lawyers; sign-in and roles."""
