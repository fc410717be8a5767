"""The foundation every other part builds on.

Errors, project paths, file I/O, table validation, output schemas,
printed-number parsing and figure saving. Nothing in ``core`` imports from any
other subpackage.
"""
