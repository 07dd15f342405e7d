"""How the core's intake proves an applicant's mobile (SPEC §2): an interface the core
owns, implemented by portal.accounts.verification (a code by SMS) and set by the app
(portal.create_app), so that the core imports nothing above it."""

from typing import Protocol

from flask import current_app

EXTENSION_KEY = "portal.mobile_proof"


class MobileProof(Protocol):
    def proven_here(self, mobile: str | None) -> bool:
        """Whether this submission's mobile is proven (a code typed now, or the signed-in
        resident's own proven mobile)."""

    def verify_intake_mobile(self, mobile: str, *, change_url: str | None = None, step: str = "code"):
        """None when `mobile` is proven (or needs no proof); else the code page to show."""


def mobile_proof() -> MobileProof:
    return current_app.extensions[EXTENSION_KEY]
