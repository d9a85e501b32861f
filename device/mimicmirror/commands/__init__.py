"""One module per `mimicmirror` subcommand (see mimicmirror.cli)."""
