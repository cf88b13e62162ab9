"""blockyard serve | integration | share | unshare | token | page | user | workspace | log | import | export | reset

One module per command group; each defines its commands and this module adds them to `main`, one line
each. Every command takes --database; a command on a new database creates it with a workspace and its owner
first. Output is plain for people, --json for scripts."""

from __future__ import annotations

import sys

import click

from .. import __version__
from . import content, integrations, log, serve, snapshots


@click.group()
@click.version_option(__version__, prog_name="blockyard")
def main() -> None:
    """Blockyard: Notion's API on your own machine."""


main.add_command(serve.serve)
main.add_command(integrations.integration)
main.add_command(integrations.share)
main.add_command(integrations.unshare)
main.add_command(integrations.token)
main.add_command(content.page)
main.add_command(content.user)
main.add_command(content.workspace)
main.add_command(log.log_command)
main.add_command(snapshots.import_command)
main.add_command(snapshots.export_command)
main.add_command(snapshots.reset_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
