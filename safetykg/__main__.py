from safetykg.cli.main import run

run()
