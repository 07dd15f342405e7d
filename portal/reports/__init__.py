"""Reports (SPEC §7): a supervisor dashboard and an annual report computed from the data.

Capabilities declare their figures (`Capability.report_figures`, see
`portal.core.contract.Figure`); this package counts them, links each to its queue,
draws the charts and writes the Excel file. It never names a request type.
"""
