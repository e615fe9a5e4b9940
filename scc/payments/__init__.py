"""Money taken on the dock: Log Payment, the ledger's rules, voids, pay links."""
