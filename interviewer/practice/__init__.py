"""Deliberate practice: the history of attempts, practice cards with spaced repetition, drills of one step.

`index` keeps the history in an SQLite file in the user data folder, rebuilt from the transcripts (the source of
truth) when missing or stale; `records` turns a graded transcript into what the index stores; `cards` schedules a
card per rubric item missed or only mentioned with FSRS; `progress` reads trends, bests, weak spots and what to
practise next; `drill` runs one step as a drill; `render` prints the history as text, JSON or Markdown.

Only `index` is imported on the app's first frame (the picker's stats): it needs nothing but the standard library.
"""
