"""People's mediation (人民调解) under the People's Mediation Law: SPEC §12."""
