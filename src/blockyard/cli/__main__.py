"""`python -m blockyard.cli`, as the tests and the bench run it."""

from . import main

main()
