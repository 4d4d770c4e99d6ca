"""Screens of the staff console, one module each, with their .tcss beside them."""
