"""One question's answer, step by step: candidates → evidence → write → verify → versions → dates.

Each step is one module with one small function; `qa.chain` runs them in order and times each."""
