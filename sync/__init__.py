"""Everything that talks to the central API, and the reference central server used by tests and the demo."""
