"""landscape."""
