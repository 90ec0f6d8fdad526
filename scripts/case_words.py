"""Write `rubrics/case-words.json`, the built-in cases' vocabularies that the relevance rule reads
(`interviewer.grading.relevance`). Run it after changing a case file: `.venv/bin/python scripts/case_words.py`."""

from interviewer.catalog import rubrics_dir
from interviewer.grading.relevance import INDEX_FILE, index_text

if __name__ == "__main__":
    target = rubrics_dir() / INDEX_FILE
    target.write_text(index_text(rubrics_dir()), encoding="utf-8")
    print(f"wrote {target}")
