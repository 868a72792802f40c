"""``python -m synopsis`` and the ``synopsis`` command: the command line.

:func:`run` imports the command line itself, inside a ``try``: importing click, rich and
every command takes a second or so on a loaded machine, and a Ctrl-C then must end the
process in one line too, not in a traceback through the import machinery.
"""
import sys


def run() -> None:
    """Console-script entry point."""
    try:
        from synopsis.testpoints import point

        point("starting")
        from synopsis.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("synopsis: interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
