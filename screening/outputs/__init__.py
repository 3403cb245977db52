"""What a Result becomes for people: annotated video and stills, PDF report and handouts, CSV, content pages.

Reads Results; never runs an analysis.
"""

__all__ = [
    "annotate", "annotate_lying", "content", "export", "formatting", "group", "handout_pdf", "handouts", "pdf_base",
    "report_pdf", "report_sections", "report_sides"
]
