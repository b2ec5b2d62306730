"""Every write to hiring goes through a function in this package."""
