"""The sandbox of the exercise checks: a forked child runs the student's code, the parent judges.

One job per module, and the imports run one way (nothing here imports
:mod:`lifutils.exercises._student`, the entry module that builds the verdict):

- :mod:`.records`: the plain data that crosses the pipe (encoding, decoding, caps);
- :mod:`.session`: which session (child or parent) the running judgement uses;
- :mod:`.messages`: the paragraphs that describe what the student's code did;
- :mod:`.child`: what runs in the fork (limits, captured output, guards, the spy);
- :mod:`.cleanup`: finding and killing every process a check started;
- :mod:`.watch`: the parent's deadline loop over the child's pipes;
- :mod:`.replay`: the parent's replay of the recorded calls.
"""
