"""Consultation booking (法律咨询预约) at the service centre and township justice offices: SPEC §4."""
