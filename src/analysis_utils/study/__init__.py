"""The reproduction of Nazarova (2014).

The article's transcription and its cleaning, exchange rates, the TIP reports
as external evidence, the study's own checks and figures. The only subpackage
that knows the article; it builds on ``survey`` and ``audit``.
"""
