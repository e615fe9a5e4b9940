"""Crew calendar feeds: each member's private iCalendar link (views) and what it holds (feed)."""
