"""The fleet: boats and how many passengers each may carry (DESIGN.md "Boats and capacity")."""
