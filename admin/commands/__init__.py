"""The operators' commands of `python main.py`, registered on the Typer app by main.py."""

from __future__ import annotations

import typer

from admin.commands import setup, town, undelivered


def register(cli: typer.Typer) -> None:
    """Add every operator command to the command line, in the order --help lists them."""
    cli.command("nlu-eval")(setup.nlu_eval)
    cli.command("push-menu")(setup.push_menu)
    cli.command("sync-tags")(setup.sync_tags_command)
    cli.command("import-risk-list")(setup.import_risk_list)
    cli.command("fetch-risk-list")(setup.fetch_risk_list_command)
    cli.command("invite-cadre")(town.invite_cadre)
    cli.command("export-ledger")(town.export_ledger)
    cli.command("checkpoint-reconcile")(town.checkpoint_reconcile)
    cli.command("vaccination-coverage")(town.vaccination_coverage)
    cli.command()(town.announce)
    cli.command("faq-add")(town.faq_add)
    cli.command("brief")(town.brief_command)
    cli.command("undelivered")(undelivered.undelivered)
