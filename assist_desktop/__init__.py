"""Assist Desktop: hardship files, scholarships and Spring Festival visits for county trade unions."""

__version__ = "0.1.0"
