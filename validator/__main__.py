from validator.cli import entry

entry()
