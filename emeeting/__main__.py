import sys

from emeeting.cli import main

sys.exit(main())
