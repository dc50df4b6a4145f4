"""The report's knowledge as validated, versioned data, and the cached market look-up over it."""
