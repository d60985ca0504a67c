"""The evidence pack's PDFs, from the plain values in `evidence.documents`; no database here."""

from shopwatch.evidence.pdf.statement import render_statement
from shopwatch.evidence.pdf.summary import render_incident_summary

__all__ = ["render_incident_summary", "render_statement"]
