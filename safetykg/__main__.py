from safetykg.cli import app

app()
