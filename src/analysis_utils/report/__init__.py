"""Pages for people: the HTML report rendered from the report tables."""
