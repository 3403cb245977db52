"""Outputs of a Result: annotated video and stills, PDF reports and handouts, CSV, text formatting, content pages."""
