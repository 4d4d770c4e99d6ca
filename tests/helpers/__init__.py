"""Reusable test machinery (a live township service, …) shared by several test folders."""
