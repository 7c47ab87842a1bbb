"""``python -m automl ...`` runs the command line (see ``automl --help``)."""

import sys

from automl.cli import main

sys.exit(main())
