"""The foundation every other part builds on: machinery only.

Errors, project paths, file I/O, table validation, how tables and results files
are described, printed-number parsing and figure saving. Nothing in ``core``
imports from any other subpackage, and no word of any one study is in it: what
is a study's (its schemas, rules, salt) is passed in.
"""
