"""The patrons' side: the waiver and payment pages, the waiver's text, signed records."""
