from safetykg.cli.main import app

app()
