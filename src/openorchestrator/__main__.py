"""`python -m openorchestrator` is the same as the `openorch` command."""

from openorchestrator.cli.main import main

if __name__ == "__main__":
    main()
