"""The Textual front end: case picker, live interview, scorecard and replay. Imported only when the TUI starts."""
