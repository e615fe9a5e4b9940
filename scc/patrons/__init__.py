"""What patrons see, on their own phones, from the links the crew send them: a trip's waiver
to sign, and how to pay (with their balance, from a personal link)."""
