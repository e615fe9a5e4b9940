"""Sign-in and sessions: who is asking, and whether they may."""
