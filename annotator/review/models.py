"""Models of the review app."""
