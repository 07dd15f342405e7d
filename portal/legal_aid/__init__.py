"""Legal aid (法律援助) under the Legal Aid Law of the PRC (2021): SPEC §3."""
