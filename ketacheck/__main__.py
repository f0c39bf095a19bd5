import os
import sys

from .cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader left early (`... | head`): stop quietly, as a process killed by SIGPIPE would, instead
    # of a traceback. Point stdout at /dev/null so the flush at exit does not raise again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 128 + 13  # SIGPIPE's conventional exit status
sys.exit(code)
