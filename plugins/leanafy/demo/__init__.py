"""``techoms demo``: the whole story of a Leanafy channel on a local sandbox.

:mod:`.story` tells it, chapter by chapter, with a :class:`.narration.Narrator`
that runs each ``techoms`` command line in-process and checks what happened;
:mod:`.command` is the click command Leanafy adds to the host's command line.
"""
