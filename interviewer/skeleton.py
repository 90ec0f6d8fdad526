"""`interviewer new-case ID`: a commented case file with every field, for a user to fill in.

Every value to write is a `FILL IN` placeholder, which `interviewer check` names with its file, line and field until
it is replaced (`interviewer.caselint.placeholder_problems`); the skeleton is otherwise a valid case, so once filled
in it loads as it is. The format is documented in rubrics/README.md.
"""

from __future__ import annotations

from interviewer.framework import STEP_IDS

_HEADER = """\
# Your own case for `interviewer` (format: rubrics/README.md in the project).
# Replace every FILL IN placeholder, then run `interviewer check` on this file: it names each placeholder left and
# each problem, with its line. Write everything in your own words.

id: {id}                     # the case id; must stay equal to the file name ({id}.yaml)
title: "FILL IN: a short title, e.g. Ad click prediction"
summary: "FILL IN: one line for the case list, at most 160 characters"
prompt: |                    # the problem as the interviewer states it at the start
  FILL IN: the problem in two or three sentences, as an interviewer would state it.

# The ONLY things the interviewer tells a candidate who asks; anything else gets "assume what is reasonable".
# Cover what a good candidate asks: goal, users and scale, latency, data and labels, constraints.
facts:
  - topic: "FILL IN: what this fact is about, e.g. scale"
    keywords: ["FILL IN: words in a question this fact answers", "FILL IN: another such phrase"]
    answer: "FILL IN: the answer, with numbers."
  - topic: "FILL IN: a second fact, e.g. latency"
    keywords: ["FILL IN: words of a question about it"]
    answer: "FILL IN: the answer."

# All seven steps, always these ids, each with its rubric items (6 to 12 per step give a fair grade: copy an item
# block for each). The first item shows every field; the others only what is required.
steps:
"""

_FULL_ITEM = """\
  {step}:
    opening: "FILL IN: optional, the question that opens this step in this case (or delete the line)"
    items:
      - id: {step}-first-item     # a slug, unique across the whole case
        covers: "FILL IN: what a strong answer says, in one or two sentences (shown in the scorecard, never said)."
        weight: 3                  # 1 (nice to have) .. 5 (must have)
        level: mid                 # mid | senior | staff: the lowest level expected to cover it
        signals:                   # phrasings that show the item was covered ("a & b": both in one sentence)
          - "FILL IN: a phrase a candidate who covers this item would say"
          - "FILL IN: another phrasing & in other words"
        follow_up: "FILL IN: the question asked when the item is missing, without giving the answer away?"
        concepts: []               # shared concepts (rubrics/concepts/, or concepts/ beside this file) that ARE it
        opposite:                  # optional: the wrong decision, as a candidate who makes it says it (or delete)
          - "FILL IN: the wrong choice in a candidate's words"
    red_flags:                     # optional: statements that cost points when a candidate endorses them
      - id: {step}-red-flag
        description: "FILL IN: the mistake, in one sentence."
        penalty: 10                # points off the step score (default 10, max 50)
        challenge: "FILL IN: optional pushback, grounded in the facts, that never names the right answer?"
        signals: ["FILL IN: how a candidate making the mistake says it"]
"""

_ITEM = """\
  {step}:
    items:
      - id: {step}-first-item
        covers: "FILL IN: what a strong answer says in this step."
        weight: 3
        signals: ["FILL IN: a phrase that shows it", "FILL IN: another phrasing"]
        follow_up: "FILL IN: the question asked when it is missing?"
"""

_FOOTER = """\

talking_points:                    # extras for the wrap-up: reported, not scored
  - id: wrap-up-point
    covers: "FILL IN: something worth raising at the end."
    signals: ["FILL IN: a phrase that shows it"]

curveballs:                        # optional: a requirement change brought in mid-interview (or delete the block)
  - id: first-curveball
    step: serving                  # the step in which it is said, after the candidate's first answer there
    levels: [senior, staff]        # the levels that get it
    says: "FILL IN: the change, in numbers, and a question?"
    targets: [serving-first-item]  # items (any step) whose coverage afterwards shows the design adapted
"""


def skeleton(case_id: str) -> str:
    """The text of a new case file for `case_id` (already checked to be a case id)."""
    parts = [_HEADER.format(id=case_id)]
    for number, step in enumerate(STEP_IDS):
        parts.append((_FULL_ITEM if number == 0 else _ITEM).format(step=step))
    parts.append(_FOOTER)
    return "".join(parts)
