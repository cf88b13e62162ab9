"""blockyard serve | integration | share | unshare | token | page | user | workspace | log | import | export | reset | template | clone

One module per command group; each defines its commands and this module adds them to `main`, one line
each. Every command takes --database; a command on a new database creates it with a workspace and its owner
first. Output is plain for people, --json for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .. import __version__
from ..files import cli as files_cli
from . import content, integrations, log, serve, snapshots, templates, testing


class Main(click.Group):
    """The main group. With --json, a failing command writes its error as a JSON object on stdout too."""

    def invoke(self, ctx: click.Context) -> Any:
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # taken before invoke consumes them
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if "--json" not in args:
                raise
            code = "usage_error" if isinstance(exc, click.UsageError) else "error"
            click.echo(json.dumps({"object": "error", "code": code, "message": exc.format_message()}, indent=2))
            raise click.exceptions.Exit(exc.exit_code) from None


@click.group(cls=Main)
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
main.add_command(templates.template)
main.add_command(files_cli.emoji)
main.add_command(__import__("blockyard.webhooks.cli", fromlist=["webhook"]).webhook)
main.add_command(testing.clone_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
